"""Forms of the documents pages: generation options, template upload, signed scan, starter pack file.

The checks of a file's content (type by magic bytes, zip directory, placeholders) live in documents.py,
where the services also run them; a form turns their DocumentRejected into field errors.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import documents
from .models import DocumentTemplate, Enrolment, Stage

MB = documents.MB


class StyledForm(forms.Form):
    """Bootstrap's classes on every widget, so that templates render fields with `{{ field }}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = (
                    self.fields[name].widget.attrs.get("class", "") + " is-invalid"
                )


def _read(upload, limit: int) -> bytes | None:
    """The uploaded bytes, or None when the file is over `limit` (not read at all then)."""
    if upload.size > limit:
        return None
    upload.seek(0)
    return upload.read()


class OptionsForm(StyledForm):
    """What a generation needs besides the JST: the date and place, party 1 and who signs for it."""

    kind = forms.ChoiceField(label=_("Document"), choices=DocumentTemplate.Kind.choices)
    on = forms.DateField(label=_("Date of the document"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=100)
    centre = forms.CharField(label=_("Party 1 (the regional centre)"), max_length=200)
    centre_representative = forms.CharField(
        label=_("Who signs for the regional centre"),
        max_length=200,
        required=False,
        help_text=_(
            "First name, last name and position, e.g. “Anna Nowak – Dyrektor”. Left empty, dots are printed."
        ),
    )

    def __init__(self, *args, region: str, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = documents.Options.defaults(region)
        self.fields["on"].initial = defaults.on
        self.fields["place"].initial = defaults.place
        self.fields["centre"].initial = defaults.centre

    def options(self) -> documents.Options:
        data = self.cleaned_data
        return documents.Options(
            on=data["on"],
            place=data["place"].strip(),
            centre=data["centre"].strip(),
            centre_representative=data["centre_representative"].strip(),
        )


class BatchForm(OptionsForm):
    """A batch: the JSTs ticked in the list, or every JST of the region in one stage."""

    SELECTED, STAGE = "selected", "stage"

    scope = forms.ChoiceField(
        label=_("For which JSTs"),
        choices=[
            (SELECTED, _("the JSTs ticked in the list")),
            (STAGE, _("every JST in the stage chosen below")),
        ],
        initial=SELECTED,
        widget=forms.RadioSelect,
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, required=False)
    enrolments = forms.TypedMultipleChoiceField(
        label=_("JSTs"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, region: str, queryset, **kwargs):
        super().__init__(*args, region=region, **kwargs)
        self.queryset = queryset
        self.fields["enrolments"].choices = [(enrolment.pk, str(enrolment)) for enrolment in queryset]

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.STAGE:
            if not data.get("stage"):
                self.add_error("stage", _("Choose the stage."))
                return data
            data["chosen"] = [enrolment.pk for enrolment in self.queryset if enrolment.stage == data["stage"]]
        else:
            data["chosen"] = data.get("enrolments") or []
        if not data["chosen"] and not self.errors:
            raise forms.ValidationError(
                _("No JST chosen: tick at least one, or choose a stage that has some.")
            )
        return data


class TemplateUploadForm(StyledForm):
    kind = forms.ChoiceField(label=_("Template"), choices=DocumentTemplate.Kind.choices)
    file = forms.FileField(
        label=_("DOCX file"),
        help_text=_("A Word document (.docx) of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )

    def __init__(self, *args, region: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.data_bytes = b""

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        content = _read(upload, documents.TEMPLATE_MAX_BYTES)
        if content is None:
            self.add_error("file", _("The template is larger than 5 MB."))
            return data
        try:
            documents.check_template(upload.name, content)
        except documents.DocumentRejected as rejected:
            for problem in rejected.problems:
                self.add_error("file", problem)
        self.data_bytes = content
        return data


class ScanForm(StyledForm):
    file = forms.FileField(
        label=_("Scan of the signed agreement"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        content = _read(upload, documents.SCAN_MAX_BYTES)
        if content is None:
            raise forms.ValidationError(_("The scan is larger than 10 MB."))
        try:
            documents.check_scan(upload.name, len(content), content[:16])
        except documents.DocumentRejected as rejected:
            raise forms.ValidationError(rejected.problems) from None
        upload.content = content
        return upload


class StarterPackForm(StyledForm):
    region = forms.ChoiceField(label=_("Voivodeship"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("The same title as a published document adds its next version."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX or ODT, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )

    def __init__(self, *args, regions: list[tuple[str, str]], titles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions
        if len(regions) == 1:
            self.fields["region"].initial = regions[0][0]
        self.fields["title"].widget.attrs["list"] = "tytuly-pakietu"
        self.titles = titles

    def clean_file(self):
        upload = self.cleaned_data["file"]
        content = _read(upload, documents.PACK_MAX_BYTES)
        if content is None:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            documents.check_pack_file(upload.name, len(content), content)
        except documents.DocumentRejected as rejected:
            raise forms.ValidationError(rejected.problems) from None
        upload.content = content
        return upload


def batch_queryset(region_prefixes, stage: str = ""):
    queryset = Enrolment.objects.in_scope(region_prefixes).select_related("unit").order_by("teryt")
    return queryset.filter(stage=stage) if stage else queryset
