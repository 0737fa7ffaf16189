"""Salutations as diplomatic correspondence writes them (DESIGN §7).

From the person's courtesy title (Ms/Mr), rank (Dr, Ambassador, Professor) and family name:
"Dear Ms. Schmidt," / "Dear Ambassador Shikongo,"; "Madame," / "Monsieur l'Ambassadeur,";
"Estimada Sra. Fernández:" / "Estimado Embajador Pérez:". Without a courtesy title (the gender
a French or Spanish salutation needs) or a family name, the neutral form of each language.
"""

from __future__ import annotations

from typing import Protocol

from napreview.schemas.members import Honorific, Language, Rank


class Addressable(Protocol):
    """Whoever a letter can address (read-only, so frozen models fit)."""

    @property
    def name(self) -> str: ...
    @property
    def honorific(self) -> Honorific | None: ...
    @property
    def rank(self) -> Rank | None: ...
    @property
    def family_name(self) -> str | None: ...


_FR_RANK = {
    (Rank.AMBASSADOR, Honorific.MS): "Madame l'Ambassadrice",
    (Rank.AMBASSADOR, Honorific.MR): "Monsieur l'Ambassadeur",
    (Rank.PROFESSOR, Honorific.MS): "Madame la Professeure",
    (Rank.PROFESSOR, Honorific.MR): "Monsieur le Professeur",
}
_ES_TITLE = {
    (None, Honorific.MS): "Estimada Sra.",
    (None, Honorific.MR): "Estimado Sr.",
    (Rank.DR, Honorific.MS): "Estimada Dra.",
    (Rank.DR, Honorific.MR): "Estimado Dr.",
    (Rank.AMBASSADOR, Honorific.MS): "Estimada Embajadora",
    (Rank.AMBASSADOR, Honorific.MR): "Estimado Embajador",
    (Rank.PROFESSOR, Honorific.MS): "Estimada Profesora",
    (Rank.PROFESSOR, Honorific.MR): "Estimado Profesor",
}
# United Nations style abbreviates with a full stop (Ms., Mr., Dr.); ranks are written out.
_EN_TITLE: dict[Honorific | Rank, str] = {
    Honorific.MS: "Ms.",
    Honorific.MR: "Mr.",
    Rank.DR: "Dr.",
    Rank.AMBASSADOR: "Ambassador",
    Rank.PROFESSOR: "Professor",
}
_PLURAL = {
    Language.EN: "Dear colleagues,",
    Language.FR: "Mesdames, Messieurs,",
    Language.ES: "Señoras y señores:",
}


def address_form(person: Addressable | None, language: Language | str) -> str:
    """How the letter addresses the person, without punctuation: "Madame", "Monsieur
    l'Ambassadeur", "Madame, Monsieur" (French repeats it in the closing formula)."""
    language = Language(language)
    if person is None:
        return {Language.FR: "Mesdames, Messieurs", Language.ES: "Señoras y señores"}.get(
            language, "colleagues"
        )
    honorific, rank, family = person.honorific, person.rank, (person.family_name or "").strip()
    if language is Language.FR:
        if honorific is None:
            return "Madame, Monsieur"
        if rank is not None and (rank, honorific) in _FR_RANK:
            return _FR_RANK[(rank, honorific)]
        return "Madame" if honorific is Honorific.MS else "Monsieur"
    if language is Language.ES:
        if honorific is None:
            return "Estimada señora, estimado señor"
        if not family:
            return "Estimada señora" if honorific is Honorific.MS else "Estimado señor"
        return f"{_ES_TITLE[(rank, honorific)]} {family}"
    if family and (rank is not None or honorific is not None):
        return f"Dear {_EN_TITLE[rank or honorific]} {family}"  # type: ignore[index]
    return f"Dear {person.name}"


def salutation(person: Addressable | None, language: Language | str) -> str:
    """The salutation line; ``None`` for a letter to several people (the secretariat)."""
    language = Language(language)
    if person is None:
        return _PLURAL[language]
    form = address_form(person, language)
    return f"{form}:" if language is Language.ES else f"{form},"
