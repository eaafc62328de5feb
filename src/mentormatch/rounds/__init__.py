"""Program rounds beside the main match: circles, peers, roommates, buddies, tasks.

Mentors' own peer circles by topic (a community of practice) are a round too.
The verbs are also at the top of the package (``mm.form_circles``,
``mm.form_mentor_circles``, ``mm.pair_peers``, ``mm.stable_roommates``, ``mm.match_buddies``,
``mm.match_tasks``, ``mm.Program``); the result types live here.

>>> import mentormatch as mm
>>> result = mm.Program(cohort=mm.example_cohort(), circle_min=1).run()
>>> isinstance(result, mm.rounds.ProgramResult)
True
"""

from ._buddies import match_buddies as match_buddies
from ._circles import Circle as Circle
from ._circles import CircleMember as CircleMember
from ._circles import CircleResult as CircleResult
from ._circles import form_circles as form_circles
from ._mentor_circles import MentorCircle as MentorCircle
from ._mentor_circles import MentorCircleMember as MentorCircleMember
from ._mentor_circles import MentorCircleResult as MentorCircleResult
from ._mentor_circles import MentorLeftOut as MentorLeftOut
from ._mentor_circles import form_mentor_circles as form_mentor_circles
from ._peers import PeerPair as PeerPair
from ._peers import PeerResult as PeerResult
from ._peers import Unpaired as Unpaired
from ._peers import pair_peers as pair_peers
from ._program import Program as Program
from ._program import ProgramResult as ProgramResult
from ._roommates import RoommatesResult as RoommatesResult
from ._roommates import stable_roommates as stable_roommates
from ._tasks import TaskMatch as TaskMatch
from ._tasks import TaskResult as TaskResult
from ._tasks import TaskUnmatched as TaskUnmatched
from ._tasks import match_tasks as match_tasks

__all__ = [
    "Circle", "CircleMember", "CircleResult", "MentorCircle", "MentorCircleMember",
    "MentorCircleResult", "MentorLeftOut", "PeerPair", "PeerResult", "Program",
    "ProgramResult", "RoommatesResult", "TaskMatch", "TaskResult", "TaskUnmatched", "Unpaired",
    "form_circles", "form_mentor_circles", "match_buddies", "match_tasks", "pair_peers",
    "stable_roommates",
]
