"""The intent labels, exactly as ../shared/design.md names them."""

from enum import StrEnum


class Intent(StrEnum):
    REPORT_INFRINGEMENT = "report_infringement"
    REPORT_COUNTERFEIT = "report_counterfeit"
    REPORT_OTHER_IP = "report_other_ip"
    PATENT_STATUS = "patent_status"
    CASE_STATUS = "case_status"
    LEGAL_FAQ = "legal_faq"
    REQUEST_ASSISTANCE = "request_assistance"
    HUMAN_AGENT = "human_agent"
    GREETING = "greeting"
    CANCEL = "cancel"
    OUT_OF_SCOPE = "out_of_scope"
