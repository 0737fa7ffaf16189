"""What an invitation or a password reset says (issue #19): written as the letters are, with a
salutation to the person, the Network named as the glossary names it, the link's expiry as the
reader's language writes a moment, and the secretariat's (or the configured signatory's)
signature; French with its no-break spaces."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime

from napreview.i18n.glossary import term
from napreview.i18n.translator import translator
from napreview.i18n.typography import french_spacing
from napreview.letters.salutation import Addressable, address_form, salutation
from napreview.schemas.members import Language
from napreview.settings import Settings

INVITE = "invite"
RESET = "reset"

_SUBJECTS = {
    INVITE: {
        Language.EN: "Your access to the review portal of the {network}",
        Language.FR: "Votre accès au portail des examens du {network}",
        Language.ES: "Su acceso al portal de exámenes de la {network}",
    },
    RESET: {
        Language.EN: "Choosing a new password for the review portal",
        Language.FR: "Choix d'un nouveau mot de passe pour le portail des examens",
        Language.ES: "Elección de una nueva contraseña para el portal de exámenes",
    },
}
_BODIES = {
    INVITE: {
        Language.EN: "UN Women, as secretariat of the {network}, invites you to the Network's "
        "review portal, where the self-assessments, peer reviews and sign-offs of the review "
        "cycles are done.\n\nTo choose your password, please open the following link before "
        "{expires}. It can be used only once:\n\n{link}\n",
        Language.FR: "ONU Femmes, en sa qualité de secrétariat du {network}, vous invite à "
        "utiliser le portail des examens du Réseau, où se font les auto-évaluations, les "
        "examens par les pairs et les validations des cycles d'examen.\n\nPour choisir votre "
        "mot de passe, veuillez ouvrir le lien suivant avant le {expires}. Il n'est valable "
        "qu'une fois :\n\n{link}\n",
        Language.ES: "ONU Mujeres, en su calidad de secretaría de la {network}, le invita a "
        "utilizar el portal de exámenes de la Red, donde se realizan las autoevaluaciones, los "
        "exámenes entre pares y las aprobaciones de los ciclos de examen.\n\nPara elegir su "
        "contraseña, le rogamos que abra el siguiente enlace antes del {expires}. Solo puede "
        "utilizarse una vez:\n\n{link}\n",
    },
    RESET: {
        Language.EN: "A new password was requested for your account on the review portal of "
        "the {network}. To choose it, please open the following link before {expires}. It can "
        "be used only once:\n\n{link}\n\nIf you did not ask for a new password, you may "
        "disregard this message: your password stays as it is.\n",
        Language.FR: "Un nouveau mot de passe a été demandé pour votre compte sur le portail "
        "des examens du {network}. Pour le choisir, veuillez ouvrir le lien suivant avant le "
        "{expires}. Il n'est valable qu'une fois :\n\n{link}\n\nSi vous n'êtes pas à "
        "l'origine de cette demande, vous pouvez ne pas tenir compte de ce message : votre mot "
        "de passe reste inchangé.\n",
        Language.ES: "Se ha solicitado una nueva contraseña para su cuenta en el portal de "
        "exámenes de la {network}. Para elegirla, le rogamos que abra el siguiente enlace antes "
        "del {expires}. Solo puede utilizarse una vez:\n\n{link}\n\nSi usted no ha "
        "solicitado una nueva contraseña, puede hacer caso omiso de este mensaje: su contraseña "
        "no cambia.\n",
    },
}
# To one person whose courtesy title is not known.
_ONE_PERSON = {
    Language.EN: "Dear colleague,",
    Language.FR: "Madame, Monsieur,",
    Language.ES: "Estimada señora, estimado señor:",
}
_CLOSINGS = {
    Language.EN: "Yours sincerely,",
    Language.FR: "Nous vous prions d'agréer, {form}, l'expression de notre considération "
    "distinguée.",
    Language.ES: "Aprovechamos la oportunidad para saludarle muy atentamente.",
}
_SECRETARIAT = {
    Language.EN: "Secretariat of the {network}\nUN Women",
    Language.FR: "Secrétariat du {network}\nONU Femmes",
    Language.ES: "Secretaría de la {network}\nONU Mujeres",
}


@dataclass(frozen=True)
class AccountMessage:
    subject: str
    text: str


def account_message(
    purpose: str,
    language: Language | str,
    link: str,
    expires: datetime,
    settings: Settings,
    person: Addressable | None = None,
) -> AccountMessage:
    """The subject and text of an invitation (``INVITE``) or a reset (``RESET``) to a person
    (a focal point's record gives the salutation its title and name)."""
    language = Language(language)
    network = term("network", language).word
    greeting = salutation(person, language) if person is not None else _ONE_PERSON[language]
    form = address_form(person, language) if person is not None else "Madame, Monsieur"
    body = _BODIES[purpose][language].format(
        network=network, link=link, expires=translator(language).moment(expires)
    )
    closing = _CLOSINGS[language].format(form=form)
    subject = _SUBJECTS[purpose][language].format(network=network)
    paragraphs = [greeting, *body.strip().split("\n\n"), closing]
    if language is Language.FR:
        # the link stays as it is: french_spacing never touches a colon without a space
        subject, paragraphs = french_spacing(subject), [french_spacing(p) for p in paragraphs]
    text = "\n\n".join(_wrap(p) for p in paragraphs)
    return AccountMessage(subject, f"{text}\n\n{_signature(settings, language, network)}\n")


def _wrap(paragraph: str) -> str:
    """A paragraph in lines a mail program shows as they are (no line over 72 characters, so
    the message travels unencoded); a link, on its line, is never broken."""
    return textwrap.fill(paragraph, width=72, break_long_words=False, break_on_hyphens=False)


def _signature(settings: Settings, language: Language, network: str) -> str:
    """The configured signatory with the title in the reader's language, else the
    secretariat, as the letters sign."""
    secretariat = _SECRETARIAT[language].format(network=network)
    signatory = (settings.letter_signatory or "").strip()
    if not signatory:
        return secretariat
    title = settings.letter_signatory_title.get(language.value)
    return "\n".join(line for line in (signatory, title, secretariat) if line)
