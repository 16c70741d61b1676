"""The served benchmark's way to read a response's SQL query count from outside the server: an X-Query-Count
header, counted by a database wrapper around the whole request (both servers have it, so it costs them alike)."""

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["X-Query-Count"] = str(count)
        return response
