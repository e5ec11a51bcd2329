class DomainError(Exception):
    """A refusal a user can act on; `message` is the Chinese text shown to them."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
