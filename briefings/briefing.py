"""The briefing a notebook shows: one object, one method per section, each returning one display.

A notebook cell is one call: ``briefing.headcounts()``. The numbers and judgements come from
:class:`analysis.assessment.Assessment`; each section is a module in :mod:`briefings.sections`
that turns them into a plain view-model, rendered by its own Jinja2 template
(``briefings/templates/sections/<name>.html.j2``) through :mod:`briefings.templating`.

Sections must be shown in the notebook's order: the body's figures are numbered as they first
appear (:mod:`briefings.references`), and the appendix lists what the body cited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from analysis.assessment import Assessment
from analysis.loading import DataPackage

from . import sections
from .ledger import Ledger, LedgerOutput
from .parameters import check_origins, check_parameters
from .references import References
from .tables import Html, register_data_text

META_MIMETYPE = "application/vnd.briefing.meta+json"
FIGURES_MIMETYPE = "application/vnd.briefing.figures+json"


@dataclass(frozen=True)
class Meta:
    """The briefing's header: shown as HTML, and carried as metadata for the exporters."""

    values: dict
    markup: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": Html(self.markup)._repr_html_(), META_MIMETYPE: self.values, "text/plain": self.values["title"]}


@dataclass(frozen=True)
class Figures:
    """The figures the briefing shows, as rows for its CSV (the build writes the file)."""

    columns: list
    rows: list

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {FIGURES_MIMETYPE: {"columns": self.columns, "rows": self.rows},
                "text/plain": f"{len(self.rows)} figures (written to the briefing's CSV)"}


@dataclass
class Briefing:
    """One briefing: its assessment, the numbering of the figures it cites, and the ledger of the
    claims it prints."""

    assessment: Assessment
    refs: References = field(default_factory=References)
    ledger: Ledger = field(default_factory=Ledger)

    @classmethod
    def from_parameters(cls, **values) -> "Briefing":
        """Check the parameters, load and validate the data, and check origins against it.

        Raises :class:`briefings.parameters.ParameterError` (unknown name or value, listing what
        is allowed) or :class:`analysis.loading.DataError`.
        """
        params = check_parameters(values)
        assessment = Assessment.load(params)
        check_origins(params["origins"], assessment.data.origins)
        data = assessment.data
        for frame in (data.sources, data.claimants, data.headcount_claims, data.pay_offers, data.reference_wages,
                      data.exchange_rates):
            for column in frame.columns:
                if frame[column].dtype == object:
                    register_data_text(frame[column].dropna())
        return cls(assessment)

    # The assessment's figures, under the names the notebook and tests use.
    @property
    def params(self) -> dict:
        return self.assessment.params

    @property
    def data(self) -> DataPackage:
        return self.assessment.data

    @property
    def generated(self) -> dt.datetime:
        return self.assessment.generated

    def __getattr__(self, name):
        # Only reached for names Briefing lacks: the assessment's frames (latest, offers, ...).
        if name.startswith("__") or name in ("assessment", "refs", "ledger"):
            raise AttributeError(name)
        return getattr(self.assessment, name)

    @cached_property
    def focused(self) -> bool:
        """A focused briefing (one side, some origins or one topic) has a shorter body."""
        p = self.params
        return p["side"] != "both" or bool(p["origins"]) or p["focus"] != "all"

    # -------------------------------------------------------------------- sections, in order

    def header(self) -> Meta:
        """Title block, marking and dates; also the metadata the exporters read."""
        return sections.header.show(self)

    def summary(self) -> Html:
        """Page 1: the key judgements, with confidence, and what changed since ``changes_since``."""
        return sections.summary.show(self)

    def headcounts(self) -> Html:
        """How many, by side, origin and stage: a chart, the stage grid, and sign-ups against arrivals."""
        return sections.headcounts.show(self)

    def claims_over_time(self) -> Html:
        """Each series's claims by the date they became known."""
        return sections.timeline.show(self)

    def origins(self) -> Html:
        """Where recruits come from, ranked."""
        return sections.origins.show(self)

    def pay(self) -> Html:
        """Offers against home wages and the recruiting army's own pay."""
        return sections.pay.show(self)

    def law(self) -> Html:
        """Art. 47: which recruited groups can, and cannot, be mercenaries in law."""
        return sections.law.show(self)

    def recruitment_costs(self) -> Html:
        """What paying a recruited group the pay offered would cost."""
        return sections.costs.show(self)

    def appendix(self) -> Html:
        """References behind every cited figure, all claims, offers and wages, the Art. 47 grid,
        trends and contradictions, rates used, method and glossary."""
        return sections.appendix.show(self)

    def sources(self) -> Html:
        """The numbered sources, each naming its original outlet and the relay it came through."""
        return sections.sources.show(self)

    def figures(self) -> Figures:
        """Every figure cited in the body, with its value, unit and rows, for the CSV."""
        return sections.figures.show(self)

    #: The sections in the order notebooks/briefing.ipynb shows them (references are numbered in
    #: this order; the ledger is shown last, after every section has printed its claims).
    SECTIONS = ("header", "summary", "headcounts", "claims_over_time", "origins", "pay", "law", "recruitment_costs",
                "appendix", "sources", "figures", "claim_ledger")

    def show_all(self) -> list:
        """Every section's output in the notebook's order, as a notebook run makes them: what the
        ledger checks are run on without a kernel (tests, the grid of generated briefings)."""
        return [getattr(self, name)() for name in self.SECTIONS]

    def key_judgements(self) -> list:
        """The key judgements, with their words (:mod:`briefings.sections.judgements`)."""
        return sections.judgements.written(self)

    def claim_ledger(self) -> LedgerOutput:
        """Every claim the sections above printed, for the second read (``ledger_check``): shown
        last, after every section has written its words."""
        return LedgerOutput(self.ledger.as_json(self.ledger_header()))

    def ledger_header(self) -> dict:
        """What the checker must know of this briefing to re-derive its claims."""
        p = self.params
        return {"title": p["title"], "as_of": self.as_of.date().isoformat(), "as_of_parameter": p["as_of"],
                "side": p["side"], "origins": list(p["origins"]), "focus": p["focus"], "fx_kind": p["fx_kind"],
                "excess_threshold": p["excess_threshold"], "default_contract_months": p["default_contract_months"],
                "changes_since": self.assessment.since.date().isoformat(), "data_version": self.data.version}
