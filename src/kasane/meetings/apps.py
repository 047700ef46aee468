from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kasane.meetings"
    verbose_name = "会議"

    def ready(self) -> None:
        from kasane.access import policy
        from kasane.cases import services as case_services

        from . import services

        if services.pledged_case_ids not in policy.CASE_SOURCES:
            policy.CASE_SOURCES.append(services.pledged_case_ids)
        if services.support_meeting_exception not in case_services.CONSENT_EXCEPTIONS:
            case_services.CONSENT_EXCEPTIONS.append(services.support_meeting_exception)
