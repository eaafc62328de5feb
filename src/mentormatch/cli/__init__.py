"""The ``mentormatch`` command."""

from ._main import main as main
from ._quota_option import parse_quota as parse_quota
