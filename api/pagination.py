"""Cursor pagination for every list: stable under inserts, opaque ``next``/``previous``
links. ``page_size`` (1–100, default 25) sets the page length."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"
    invalid_cursor_message = "The cursor is not valid. Start again from the first page."
