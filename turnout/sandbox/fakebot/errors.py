"""Bot API error responses, shaped exactly like Telegram's."""

from __future__ import annotations

from .jsonutil import JSONDict

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def default_description(status: int, retry_after: int | None = None) -> str:
    """The description Telegram would give for a bare ``status``."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after if retry_after is not None else 1}"
    return _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")


class ApiError(Exception):
    """Raised by method handlers; turned into ``{"ok": false, ...}`` by the server."""

    def __init__(
        self,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        if status == 429 and retry_after is None:
            retry_after = 1
        self.status = status
        self.description = description or default_description(status, retry_after)
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id
        super().__init__(f"{status} {self.description}")

    def body(self) -> JSONDict:
        """The JSON body of the error response."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        parameters: JSONDict = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def bad_request(detail: str) -> ApiError:
    """``400 Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """``403 Forbidden: <detail>``."""
    return ApiError(403, f"Forbidden: {detail}")


def conflict(detail: str) -> ApiError:
    """``409 Conflict: <detail>``."""
    return ApiError(409, f"Conflict: {detail}")


def not_found() -> ApiError:
    """``404 Not Found`` (unknown method, unknown file)."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """``401 Unauthorized`` (wrong token)."""
    return ApiError(401, "Unauthorized")


def chat_not_found() -> ApiError:
    """The error for a chat the bot does not know."""
    return bad_request("chat not found")


BLOCKED_BY_USER = "bot was blocked by the user"
