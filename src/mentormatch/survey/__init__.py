"""Survey exports in, a cohort and a read report out: schema, presets, people, org charts."""

from ._followup import FollowUpSchema as FollowUpSchema
from ._followup import followup_template as followup_template
from ._followup import read_followup as read_followup
from ._orgchart import read_org_chart as read_org_chart
from ._orgchart import with_supervisors as with_supervisors
from ._read import read_survey as read_survey
from ._report import ReadEntry as ReadEntry
from ._report import ReadReport as ReadReport
from ._schema import SurveySchema as SurveySchema
from ._template import example_survey_path as example_survey_path
from ._template import survey_template as survey_template
