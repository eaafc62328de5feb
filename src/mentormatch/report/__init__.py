"""What a director reads: exports, plots, supply and demand, guidelines and agreements.

Exports are the mail-merge CSV, JSON and the HTML report; the program's
guidelines travel in each, and every pair gets an agreement page. The coverage
table says which asked topics each mentee's mentors cover, and by whom.
"""

from ._coverage import TopicCoverage as TopicCoverage
from ._coverage import TopicCovered as TopicCovered
from ._coverage import topic_coverage_table as topic_coverage_table
from ._demand import TopicDemand as TopicDemand
from ._demand import TopicSupply as TopicSupply
from ._demand import topic_demand as topic_demand
from ._export import MAIL_MERGE_COLUMNS as MAIL_MERGE_COLUMNS
from ._export import IdNames as IdNames
from ._export import mail_merge_records as mail_merge_records
from ._export import render_report as render_report
from ._export import write_json as write_json
from ._export import write_mail_merge as write_mail_merge
from ._export import write_report as write_report
from ._guidelines import Guidelines as Guidelines
from ._guidelines import agreement_pages as agreement_pages
from ._guidelines import make_folder as make_folder
from ._guidelines import render_agreement as render_agreement
from ._guidelines import write_agreements as write_agreements
from ._plots import plot_result as plot_result
from ._plots import plot_topic_demand as plot_topic_demand
