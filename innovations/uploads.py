"""Files people attach to an innovation: which kinds, how large, where they are kept."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat

MAX_RESOURCE_BYTES = 10 * 1024 * 1024
RESOURCE_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "png", "jpg", "jpeg", "csv", "txt"]
RESOURCE_TYPES_IN_WORDS = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text (.odt), "
    "PNG, JPEG, CSV or plain text (.txt)"
)

validate_resource_extension = FileExtensionValidator(
    allowed_extensions=RESOURCE_EXTENSIONS,
    message=(
        "The file must be a "
        + RESOURCE_TYPES_IN_WORDS
        + ". “%(extension)s” files are not accepted."
    ),
)


def validate_resource_size(file) -> None:
    if file.size > MAX_RESOURCE_BYTES:
        raise ValidationError(
            "The file must be smaller than %(limit)s; this one is %(size)s.",
            code="file_too_large",
            params={
                "limit": filesizeformat(MAX_RESOURCE_BYTES),
                "size": filesizeformat(file.size),
            },
        )


def resource_upload_to(resource, filename: str) -> str:
    """A path nobody can guess, so the file is only reached through the checked view."""
    return f"innovations/resources/{uuid.uuid4().hex}/{PurePath(filename).name}"
