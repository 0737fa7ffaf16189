"""The timeline's words in each language the portal speaks (en, fr, es), as data.

English is the audit trail's own language: the export, its digest and the command line use it.
The portal shows the same events in the reader's language from these tables. Names of members
come from i18n/member_names.json (with their articles); refusal reasons are quoted as the
workflow wrote them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class Phrases:
    lang: str
    text: dict[str, str]
    steps: dict[str, str]
    roles: dict[str, str]
    stages: dict[str, str]
    letters: dict[str, str]
    leaving: dict[str, str]
    decisions: dict[str, str]
    ratings: dict[str, str]
    unknown: dict[str, str]
    # unit → (singular, plural); none: the command line's own way, "14d", "2h"
    units: dict[str, tuple[str, str]] = field(default_factory=dict)

    def member(self, code: str, name: str) -> str:
        """'of Germany' / 'de l'Allemagne' / 'de Alemania', the form after "Review"."""
        return member_of(code, name, self.lang)


@functools.cache
def _names() -> dict[str, dict[str, dict[str, str]]]:
    import json
    from importlib import resources

    from napreview.i18n.names import NAMES_RESOURCE

    text = resources.files("napreview.i18n").joinpath(NAMES_RESOURCE).read_text(encoding="utf-8")
    return json.loads(text)["members"]  # type: ignore[no-any-return]


def member_of(code: str, name: str, lang: str) -> str:
    forms = _names().get(code, {}).get(lang)
    if forms:
        return forms["of"]
    return {"fr": f"de {name}", "es": f"de {name}"}.get(lang, f"of {name}")


EN = Phrases(
    lang="en",
    text={
        "nobody_named": "someone not named",
        "unknown_sender": "an unknown sender",
        "role_not_recorded": "role not recorded",
        "role_unknown": "role '{role}', unknown to napreview",
        "of_member": " of {member}",
        "member_is": ", member {member}",
        "person_gone": "person {person} (no longer in the records)",
        "in_brackets": " ({text})",
        "by": "by {who}",
        "in_the_name_of": "in the name of {who}",
        "from": "from {who}",
        "accepted": "accepted",
        "refused": "refused: {reason}",
        "in_progress": "still in progress",
        "ignored": "ignored: the workflow has no handler for this signal",
        "unreadable_finished": (
            "A 'review_finished' signal that could not be read; the cycle ignored it"
        ),
        "unknown": "outcome not known: {why}",
        "unreadable_step": "A '{step}' step that could not be read",
        "no_such_step": "A step napreview does not have ('{step}')",
        "review_started": (
            "Review {member} ({code}) in cycle {cycle} started; reviewers {reviewers} drawn "
            "with seed {seed}"
        ),
        "none": "none",
        "workflow_started": "Workflow {workflow_type} started",
        "cycle_started": (
            "Cycle {cycle} started by {actor}: {members}, {n} reviewers each, seed {seed}, "
            "chair {chair}"
        ),
        "cycle_continued": (
            "Cycle {cycle} continued in a new run: {started} reviews started, {finished} finished"
        ),
        "n_members": "{n} members",
        "every_member": "every member",
        "review_ended": "Review ended: {outcome} after {rounds} round(s)",
        "cycle_ended": "Cycle ended ({outcomes})",
        "no_reviews": "no reviews",
        "workflow_completed": "Workflow completed",
        "workflow_failed": "Workflow failed: {message}",
        "terminated": "Workflow terminated by {identity}: {reason}",
        "an_operator": "an operator",
        "no_reason": "no reason",
        "workflow_cancelled": "Workflow cancelled",
        "workflow_timed_out": "Workflow timed out",
        "continued_as_new": "Continued in a new run {run}",
        "workflow_task_failed": "The worker could not run a workflow task: {message}",
        "review_finished": "Review of {member} ended {outcome}",
        "stage": "Stage: {stage} (round {round})",
        "overdue": "Flagged overdue",
        "overdue_cleared": "No longer overdue",
        "letter": "{letter} letter stored for {to}{deadline} (SHA-256 {sha}…)",
        "deadline": ", deadline {date}",
        "to_secretariat": "the secretariat",
        "to_focal_point": "the focal point of {member}",
        "nobody_on_record": "nobody on record",
        "cedaw": "CEDAW linkage check: {rating} ({gaps} gap(s), {findings} finding(s))",
        "redraw": (
            "Reviewer {previous} {why}; {chosen} drawn in its place with seed {seed}{relaxed}"
        ),
        "relaxed": "; rules relaxed: {rules}",
        "draw": (
            "Review troika drawn for {n} members with seed {seed} (draw SHA-256 {sha}…, "
            "{relaxations} rule relaxation(s))"
        ),
        "withdrawals_sent": "Withdrawal sent to {n} open review(s)",
        "activity_failed": "{activity} did not succeed: {message}",
        "timer_set": "Timer set for {when} UTC (next reminder or deadline)",
        "day_at": "{day} {time}",
        "timer_fired": "Timer fired",
        "reminder_due": "Reminder due: timer fired",
        "deadline_passed": "Deadline passed: timer fired",
        "child_started": "Child workflow {workflow_id} started",
        "child_review_started": "Review of {member} started: reviewers {reviewers} (seed {seed})",
        "child_failed": "Review {workflow_id} could not start ({cause})",
    },
    steps={
        "submit_self_assessment": "Self-assessment submitted",
        "submit_peer_review": "Peer review submitted",
        "respond": "Responses",
        "respond_n": "Responses to {n} peer recommendation(s)",
        "replace_reviewer": "Substitution of reviewer {reviewer} requested",
        "recuse": "Recusal as reviewer",
        "reassign_reviewer": "Reassignment of reviewer {reviewer}",
        "sign_off": "Sign-off",
        "sign_off_decision": "Sign-off: {decision}",
        "extend": "Deadline extension{by}{reason}",
        "extend_by": " by {by}",
        "withdraw": "Withdrawal{reason}",
        "cancel": "Cancellation of the cycle{reason}",
        "start_cycle": "Start of the cycle",
        "trust_key": "Trust in signing key {key_id}",
        "distrust_key": "End of trust in signing key {key_id}",
        "read_review": "Reading the review",
        "read_self_assessment": "Reading the self-assessment",
        "read_peer_review": "Reading a peer review",
        "read_audit": "Reading the audit trail",
        "read_letter": "Reading a letter",
        "act_as": "Acting as another person",
    },
    roles={"secretariat": "secretariat", "focal_point": "focal point", "auditor": "auditor"},
    stages={
        "self_assessment": "self-assessment",
        "peer_review": "peer review",
        "cedaw_check": "CEDAW check",
        "sign_off": "sign-off",
        "completed": "completed",
        "withdrawn": "withdrawn",
    },
    letters={
        "invitation": "Invitation",
        "reminder": "Reminder",
        "overdue": "Overdue notice",
        "review_request": "Review request",
        "reviewer_change": "Reviewer change notice",
        "returned": "Returned-for-revision",
        "final_feedback": "Final feedback",
        "withdrawal": "Withdrawal",
        "cycle_summary": "Cycle summary",
    },
    leaving={
        "replaced": "substituted at the reviewed member's request",
        "recused": "recused itself",
        "reassigned": "reassigned by the secretariat",
    },
    decisions={"approve": "approve", "return_for_revision": "return for revision"},
    ratings={},
    unknown={
        "no_replay": "no replay of the history was made",
        "replay_failed": "the history does not replay with the current workflow code",
    },
)

NB = "\u00a0"  # French puts a no-break space before : ; « » and the like

FR = Phrases(
    lang="fr",
    text={
        "nobody_named": "une personne non nommée",
        "unknown_sender": "un expéditeur inconnu",
        "role_not_recorded": "rôle non enregistré",
        "role_unknown": f"rôle «{NB}{{role}}{NB}», inconnu de napreview",
        "of_member": " de {member}",
        "member_is": ", membre {member}",
        "person_gone": "personne {person} (qui ne figure plus dans les registres)",
        "in_brackets": " ({text})",
        "by": "par {who}",
        "in_the_name_of": "au nom de {who}",
        "from": "envoyée par {who}",
        "accepted": "étape acceptée",
        "refused": f"étape refusée{NB}: {{reason}}",
        "in_progress": "en cours",
        "ignored": "signal ignoré, le processus n'ayant aucun gestionnaire pour lui",
        "unreadable_finished": (
            f"Un signal «{NB}review_finished{NB}» illisible, que le cycle a ignoré"
        ),
        "unknown": f"issue inconnue{NB}: {{why}}",
        "unreadable_step": f"Une étape «{NB}{{step}}{NB}» illisible",
        "no_such_step": f"Une étape que napreview ne connaît pas («{NB}{{step}}{NB}»)",
        "review_started": (
            f"Examen {{member}} ({{code}}) lancé pour le cycle {{cycle}}{NB}; examinateurs "
            "{reviewers} tirés au sort avec la graine {seed}"
        ),
        "none": "aucun",
        "workflow_started": "Processus {workflow_type} lancé",
        "cycle_started": (
            f"Cycle {{cycle}} lancé par {{actor}}{NB}: {{members}}, {{n}} examinateurs chacun, "
            f"graine {{seed}}, présidence{NB}: {{chair}}"
        ),
        "cycle_continued": (
            f"Cycle {{cycle}} poursuivi dans une nouvelle exécution{NB}: {{started}} examens "
            "lancés, {finished} terminés"
        ),
        "n_members": "{n} membres",
        "every_member": "tous les membres",
        "review_ended": f"Fin de l'examen{NB}: {{outcome}} après {{rounds}} tour(s)",
        "cycle_ended": "Fin du cycle ({outcomes})",
        "no_reviews": "aucun examen",
        "workflow_completed": "Processus terminé",
        "workflow_failed": f"Échec du processus{NB}: {{message}}",
        "terminated": f"Processus arrêté par {{identity}}{NB}: {{reason}}",
        "an_operator": "un opérateur",
        "no_reason": "sans motif",
        "workflow_cancelled": "Processus annulé",
        "workflow_timed_out": "Processus arrivé à expiration",
        "continued_as_new": "Poursuivi dans une nouvelle exécution {run}",
        "workflow_task_failed": (
            f"Le worker n'a pas pu exécuter une tâche du processus{NB}: {{message}}"
        ),
        "review_finished": f"Examen de {{member}} achevé{NB}: {{outcome}}",
        "stage": f"Étape{NB}: {{stage}} (tour {{round}})",
        "overdue": "Signalé en retard",
        "overdue_cleared": "N'est plus en retard",
        "letter": (
            f"Lettre «{NB}{{letter}}{NB}» enregistrée pour {{to}}{{deadline}} (SHA-256 {{sha}}…)"
        ),
        "deadline": ", échéance le {date}",
        "to_secretariat": "le secrétariat",
        "to_focal_point": "le point focal de {member}",
        "nobody_on_record": "personne (aucun destinataire enregistré)",
        "cedaw": (
            f"Vérification du lien avec la CEDEF{NB}: {{rating}} ({{gaps}} lacune(s), "
            "{findings} constat(s))"
        ),
        "redraw": (
            f"L'examinateur {{previous}} {{why}}{NB}; {{chosen}} tiré au sort à sa place avec "
            "la graine {seed}{relaxed}"
        ),
        "relaxed": f"{NB}; règles assouplies{NB}: {{rules}}",
        "draw": (
            "Troïka d'examen tirée au sort pour {n} membres avec la graine {seed} (SHA-256 du "
            "tirage {sha}…, {relaxations} assouplissement(s) de règle)"
        ),
        "withdrawals_sent": "Retrait envoyé à {n} examen(s) en cours",
        "activity_failed": f"{{activity}} n'a pas abouti{NB}: {{message}}",
        "timer_set": "Minuteur réglé pour le {when} UTC (prochain rappel ou prochaine échéance)",
        "day_at": "{day} à {time}",
        "timer_fired": "Minuteur déclenché",
        "reminder_due": f"Rappel dû{NB}: minuteur déclenché",
        "deadline_passed": f"Échéance dépassée{NB}: minuteur déclenché",
        "child_started": "Processus enfant {workflow_id} lancé",
        "child_review_started": (
            f"Examen de {{member}} lancé{NB}: examinateurs {{reviewers}} (graine {{seed}})"
        ),
        "child_failed": "L'examen {workflow_id} n'a pas pu être lancé ({cause})",
    },
    steps={
        "submit_self_assessment": "Auto-évaluation remise",
        "submit_peer_review": "Examen par les pairs remis",
        "respond": "Réponses",
        "respond_n": "Réponses à {n} recommandation(s) des pairs",
        "replace_reviewer": "Demande de remplacement de l'examinateur {reviewer}",
        "recuse": "Récusation en tant qu'examinateur",
        "reassign_reviewer": "Réattribution de l'examen confié à {reviewer}",
        "sign_off": "Validation",
        "sign_off_decision": f"Validation{NB}: {{decision}}",
        "extend": "Prolongation du délai{by}{reason}",
        "extend_by": " de {by}",
        "withdraw": "Retrait{reason}",
        "cancel": "Annulation du cycle{reason}",
        "start_cycle": "Lancement du cycle",
        "trust_key": "Confiance accordée à la clé de signature {key_id}",
        "distrust_key": "Fin de la confiance en la clé de signature {key_id}",
        "read_review": "Consultation de l'examen",
        "read_self_assessment": "Consultation de l'auto-évaluation",
        "read_peer_review": "Consultation d'un examen par les pairs",
        "read_audit": "Consultation de la piste d'audit",
        "read_letter": "Consultation d'une lettre",
        "act_as": "Action au nom d'une autre personne",
    },
    roles={"secretariat": "secrétariat", "focal_point": "point focal", "auditor": "auditeur"},
    stages={
        "self_assessment": "auto-évaluation",
        "peer_review": "examen par les pairs",
        "cedaw_check": "vérification du lien avec la CEDEF",
        "sign_off": "validation",
        "completed": "terminé",
        "withdrawn": "retiré",
    },
    letters={
        "invitation": "invitation",
        "reminder": "rappel",
        "overdue": "avis de retard",
        "review_request": "demande d'examen par les pairs",
        "reviewer_change": "changement d'examinateur",
        "returned": "renvoi pour révision",
        "final_feedback": "conclusions finales",
        "withdrawal": "retrait",
        "cycle_summary": "bilan du cycle",
    },
    leaving={
        "replaced": "a été remplacé à la demande du membre examiné",
        "recused": "s'est récusé",
        "reassigned": "a été remplacé par le secrétariat",
    },
    decisions={"approve": "approbation", "return_for_revision": "renvoi pour révision"},
    ratings={
        "strong": "solide",
        "partial": "partielle",
        "weak": "faible",
        "not_applicable": "sans objet",
    },
    unknown={
        "no_replay": "l'historique n'a pas été réexécuté",
        "replay_failed": (
            "une réexécution avec le code actuel du processus ne concorde pas avec l'historique"
        ),
    },
    units={
        "d": ("jour", "jours"),
        "h": ("heure", "heures"),
        "m": ("minute", "minutes"),
        "s": ("seconde", "secondes"),
    },
)

ES = Phrases(
    lang="es",
    text={
        "nobody_named": "una persona sin nombre",
        "unknown_sender": "un remitente desconocido",
        "role_not_recorded": "función no registrada",
        "role_unknown": "función «{role}», desconocida para napreview",
        "of_member": " de {member}",
        "member_is": ", miembro {member}",
        "person_gone": "persona {person} (ya no figura en los registros)",
        "in_brackets": " ({text})",
        "by": "por {who}",
        "in_the_name_of": "en nombre de {who}",
        "from": "enviado por {who}",
        "accepted": "paso aceptado",
        "refused": "paso rechazado: {reason}",
        "in_progress": "en curso",
        "ignored": "señal ignorada: el proceso no tiene controlador para ella",
        "unreadable_finished": "Una señal «review_finished» ilegible, que el ciclo ignoró",
        "unknown": "resultado desconocido: {why}",
        "unreadable_step": "Un paso «{step}» ilegible",
        "no_such_step": "Un paso que napreview no tiene («{step}»)",
        "review_started": (
            "Examen {member} ({code}) iniciado en el ciclo {cycle}; examinadores {reviewers} "
            "sorteados con la semilla {seed}"
        ),
        "none": "ninguno",
        "workflow_started": "Proceso {workflow_type} iniciado",
        "cycle_started": (
            "Ciclo {cycle} iniciado por {actor}: {members}, {n} examinadores por miembro, "
            "semilla {seed}, presidencia: {chair}"
        ),
        "cycle_continued": (
            "Ciclo {cycle} continuado en una nueva ejecución: {started} exámenes iniciados, "
            "{finished} concluidos"
        ),
        "n_members": "{n} miembros",
        "every_member": "todos los miembros",
        "review_ended": "Fin del examen: {outcome} tras {rounds} ronda(s)",
        "cycle_ended": "Fin del ciclo ({outcomes})",
        "no_reviews": "ningún examen",
        "workflow_completed": "Proceso concluido",
        "workflow_failed": "Error del proceso: {message}",
        "terminated": "Proceso detenido por {identity}: {reason}",
        "an_operator": "un operador",
        "no_reason": "sin motivo",
        "workflow_cancelled": "Proceso cancelado",
        "workflow_timed_out": "Proceso vencido",
        "continued_as_new": "Continuado en una nueva ejecución {run}",
        "workflow_task_failed": ("El worker no pudo ejecutar una tarea del proceso: {message}"),
        "review_finished": "Examen de {member} concluido: {outcome}",
        "stage": "Etapa: {stage} (ronda {round})",
        "overdue": "Marcado como atrasado",
        "overdue_cleared": "Ya no está atrasado",
        "letter": "Carta «{letter}» guardada para {to}{deadline} (SHA-256 {sha}…)",
        "deadline": ", plazo hasta el {date}",
        "to_secretariat": "la secretaría",
        "to_focal_point": "el coordinador de {member}",
        "nobody_on_record": "nadie (ningún destinatario registrado)",
        "cedaw": (
            "Verificación del vínculo con la CEDAW: {rating} ({gaps} carencia(s), "
            "{findings} constatación(es))"
        ),
        "redraw": (
            "El examinador {previous} {why}; {chosen} sorteado en su lugar con la semilla "
            "{seed}{relaxed}"
        ),
        "relaxed": "; reglas flexibilizadas: {rules}",
        "draw": (
            "Troika de examen sorteada para {n} miembros con la semilla {seed} (SHA-256 del "
            "sorteo {sha}…, {relaxations} flexibilización(es) de reglas)"
        ),
        "withdrawals_sent": "Retiro enviado a {n} examen(es) abierto(s)",
        "activity_failed": "{activity} no se completó: {message}",
        "timer_set": "Temporizador fijado para el {when} UTC (próximo recordatorio o plazo)",
        "day_at": "{day}, a las {time}",
        "timer_fired": "Temporizador activado",
        "reminder_due": "Recordatorio pendiente: temporizador activado",
        "deadline_passed": "Plazo vencido: temporizador activado",
        "child_started": "Proceso hijo {workflow_id} iniciado",
        "child_review_started": (
            "Examen de {member} iniciado: examinadores {reviewers} (semilla {seed})"
        ),
        "child_failed": "No se pudo iniciar el examen {workflow_id} ({cause})",
    },
    steps={
        "submit_self_assessment": "Autoevaluación presentada",
        "submit_peer_review": "Examen entre pares presentado",
        "respond": "Respuestas",
        "respond_n": "Respuestas a {n} recomendación(es) de los pares",
        "replace_reviewer": "Solicitud de sustitución del examinador {reviewer}",
        "recuse": "Recusación como examinador",
        "reassign_reviewer": "Reasignación del examen confiado a {reviewer}",
        "sign_off": "Aprobación final",
        "sign_off_decision": "Aprobación final: {decision}",
        "extend": "Prórroga del plazo{by}{reason}",
        "extend_by": " de {by}",
        "withdraw": "Retiro{reason}",
        "cancel": "Cancelación del ciclo{reason}",
        "start_cycle": "Inicio del ciclo",
        "trust_key": "Confianza en la clave de firma {key_id}",
        "distrust_key": "Fin de la confianza en la clave de firma {key_id}",
        "read_review": "Consulta del examen",
        "read_self_assessment": "Consulta de la autoevaluación",
        "read_peer_review": "Consulta de un examen entre pares",
        "read_audit": "Consulta de la pista de auditoría",
        "read_letter": "Consulta de una carta",
        "act_as": "Actuación en nombre de otra persona",
    },
    roles={"secretariat": "secretaría", "focal_point": "coordinador", "auditor": "auditor"},
    stages={
        "self_assessment": "autoevaluación",
        "peer_review": "examen entre pares",
        "cedaw_check": "verificación del vínculo con la CEDAW",
        "sign_off": "aprobación final",
        "completed": "concluido",
        "withdrawn": "retirado",
    },
    letters={
        "invitation": "invitación",
        "reminder": "recordatorio",
        "overdue": "aviso de retraso",
        "review_request": "solicitud de examen entre pares",
        "reviewer_change": "cambio de examinador",
        "returned": "devolución para revisión",
        "final_feedback": "conclusiones finales",
        "withdrawal": "retiro",
        "cycle_summary": "resumen del ciclo",
    },
    leaving={
        "replaced": "fue sustituido a petición del miembro examinado",
        "recused": "se recusó",
        "reassigned": "fue sustituido por la secretaría",
    },
    decisions={"approve": "aprobación", "return_for_revision": "devolución para revisión"},
    ratings={
        "strong": "sólida",
        "partial": "parcial",
        "weak": "débil",
        "not_applicable": "no aplicable",
    },
    unknown={
        "no_replay": "no se ha hecho una reejecución del historial",
        "replay_failed": (
            "una reejecución con el código actual del proceso no concuerda con el historial"
        ),
    },
    units={
        "d": ("día", "días"),
        "h": ("hora", "horas"),
        "m": ("minuto", "minutos"),
        "s": ("segundo", "segundos"),
    },
)

_TABLES = {"en": EN, "fr": FR, "es": ES}


def phrases_for(lang: str) -> Phrases:
    """The tables of a language; English for any other."""
    return _TABLES.get(lang, EN)
