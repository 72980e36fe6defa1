"""Page-number pagination with ``next`` and ``previous`` links; a page that is not a number is a 400."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.check(request)
        return super().paginate_queryset(queryset, request, view)

    def check(self, request) -> None:
        """A 400 naming ``page`` or ``page_size`` when either is not a whole number in range."""
        errors = {}
        number = request.query_params.get(self.page_query_param, "1")
        if not number.isdigit() or int(number) < 1:
            errors[self.page_query_param] = ["Give the page as a whole number from 1, such as 2."]
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and (not size.isdigit() or not 1 <= int(size) <= MAX_PAGE_SIZE):
            errors[self.page_size_query_param] = [f"Give the page size as a whole number from 1 to {MAX_PAGE_SIZE}."]
        if errors:
            raise ValidationError(errors)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = MAX_PAGE_SIZE
        return parameters
