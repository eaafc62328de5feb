"""The director's verbs: match, shortlist, rematch (orchestration only)."""

from ._match import match as match
from ._rematch import rematch as rematch
from ._shortlist import Recommendation as Recommendation
from ._shortlist import Shortlist as Shortlist
from ._shortlist import shortlist as shortlist
