"""The portal's words in English, French and Spanish. Keys are the English phrases of the
templates, or dotted names (field paths, ``done.*``, ``decision.*`` …) whose English is given
under "en". Phrases use the formal register of the Network's correspondence; French puts a
no-break space before the colon, as French typography asks."""

from __future__ import annotations

NB = "\u00a0"

# --- names of fields and values (English) ---
EN: dict[str, str] = {
    "focal_point": "focal point",
    "secretariat": "secretariat",
    "auditor": "auditor",
    "nap": "The plan",
    "nap.iteration": "Iteration of the plan (1 for the first)",
    "nap.title": "Title of the plan",
    "nap.adopted_on": "Adopted on",
    "nap.period_start": "Period from",
    "nap.period_end": "Period to",
    "nap.lead_agency": "Lead agency",
    "nap.pillars": "Pillars covered",
    "nap.civil_society_role": "Role of civil society",
    "nap.local_action_plans": "Number of local action plans",
    "nap.gender_disaggregated_data": "The plan keeps its data by sex (sex-disaggregated data)",
    "nap.gr30_themes": "Themes of General Recommendation No. 30 the plan addresses",
    "nap.gr30_themes.hint": (
        "Tick a theme where the plan has measures of its own on it (paragraphs 29 to 81 of the "
        "general recommendation)."
    ),
    "nap.small_arms": "The plan addresses disarmament and small arms (e.g. the Arms Trade Treaty)",
    "nap.abroad": "Action abroad",
    "nap.abroad.donor_assistance": "The plan funds women, peace and security work abroad",
    "nap.abroad.peacekeeping_contingents": "The plan covers the member's peacekeeping contingents",
    "nap.abroad.peace_process_role": (
        "The member mediates, facilitates or supports peace processes abroad"
    ),
    "nap.abroad.women_in_delegations": (
        "Women serve in the member's negotiating and mediation delegations"
    ),
    "nap.budget": "Budget",
    "nap.budget.allocated": "A budget is allocated",
    "nap.budget.amount": "Amount",
    "nap.budget.currency": "Currency",
    "nap.budget.currency.hint": "Three capital letters, e.g. EUR, USD, XOF.",
    "nap.monitoring": "Monitoring and evaluation",
    "nap.monitoring.framework": "There is a monitoring and evaluation framework",
    "nap.monitoring.reporting_frequency": "Reporting frequency",
    "nap.monitoring.reporting_frequency.hint": "For example: annual, every two years.",
    "nap.cedaw": "References to CEDAW",
    "nap.cedaw.articles_cited": "CEDAW articles cited",
    "nap.cedaw.articles_cited.hint": "One article per line, e.g. 2, 5(a), 7.",
    "nap.cedaw.cites_gr30": "The plan cites General Recommendation No. 30",
    "cedaw_reporting": "Reporting to the CEDAW Committee",
    "cedaw_reporting.last_report_year": "Year of the last periodic report",
    "cedaw_reporting.covered_wps": "The last report covered women, peace and security",
    "cedaw_reporting.observations_on_wps": (
        "The concluding observations addressed women, peace and security"
    ),
    "cedaw_reporting.nap_answers_observations": "The plan answers those observations",
    "cedaw_reporting.observations_symbol": "Symbol of the latest concluding observations",
    "cedaw_reporting.observations_symbol.hint": "For example CEDAW/C/DEU/CO/9.",
    "cedaw_reporting.observations_paragraphs": "Their paragraphs on women, peace and security",
    "cedaw_reporting.observations_paragraphs.hint": "For example 27-28, or 27, 31.",
    "status": "Status",
    "evidence": "Evidence",
    "ratings": "Ratings by theme",
    "ratings.participation": "Participation and Representation",
    "ratings.accountability": "Accountability and Advocacy",
    "ratings.alliances": "Building Alliances",
    "comments": "Comments",
    "recommendations": "Recommendations to the member",
    "recommendations.hint": "One recommendation per line.",
    "reviewer.active": "awaited",
    "reviewer.submitted": "submitted",
    "reviewer.replaced": "replaced",
    "reviewer.recused": "recused",
    "reviewer.reassigned": "reassigned",
    "answer.supported": "supported",
    "answer.noted": "noted",
    "decision.approve": "Approve",
    "decision.return_for_revision": "Return for revision",
    "done.self_assessment": "The self-assessment has been received.",
    "done.peer_review": "The peer review has been received.",
    "done.respond": "The answers have been recorded.",
    "done.sign-off": "The decision has been recorded.",
    "done.extend": "The deadline has been extended.",
    "done.withdraw": "The review has been withdrawn.",
    "done.reassign": "A new reviewer has been drawn.",
    "done.replace": "A new reviewer has been drawn.",
    "done.recuse": "Your member has withdrawn from this review; a new reviewer has been drawn.",
    "letter.invitation": "invitation",
    "letter.reminder": "reminder",
    "letter.overdue": "overdue notice",
    "letter.review_request": "request for a peer review",
    "letter.reviewer_change": "change of reviewer",
    "letter.returned": "returned for revision",
    "letter.final_feedback": "final feedback",
    "letter.withdrawal": "withdrawal",
    "letter.cycle_summary": "cycle summary",
    "group.AF": "African Group",
    "group.APG": "Asia-Pacific Group",
    "group.EEG": "Eastern European Group",
    "group.GRULAC": "Latin American and Caribbean Group",
    "group.WEOG": "Western European and Others Group",
    "group.ORG": "Regional organisations",
    "cedaw.state_party": "State party",
    "cedaw.not_party": "Not a party",
    "cedaw.not_applicable": "Not applicable",
    "cycle_error.cycle_id": "Use letters, digits, dots or dashes (at most 40).",
    "cycle_error.cycle_exists": "A cycle with this id already exists.",
    "cycle_error.members": "Choose at least two members.",
    "cycle_error.draw": "No draw satisfies the rules with these members.",
    "cycle_error.duration": "Write a duration such as 60d, 12h or 30m.",
    "cycle_error.reviewers": "Give a number from 1 to 10.",
    "cycle_error.seed": "Give a whole number, or leave it empty.",
    "duration.self_assessment": "Self-assessment",
    "duration.peer_review": "Peer review",
    "duration.sign_off": "Sign-off",
    "duration.reminder": "Reminder before each deadline",
    "capital": "capital",
    "new_york_mission": "mission in New York",
    "at least 10 characters": "it must have at least 10 characters",
    "not the email address": "it must not be the email address",
    "not the example password": "it must not be the example password",
}

FR: dict[str, str] = {
    # fields and values
    "focal_point": "point focal",
    "secretariat": "secrétariat",
    "auditor": "auditeur",
    "nap": "Le plan",
    "nap.iteration": "Édition du plan (1 pour le premier)",
    "nap.title": "Intitulé du plan",
    "nap.adopted_on": "Date d'adoption",
    "nap.period_start": "Période du",
    "nap.period_end": "au",
    "nap.lead_agency": "Organisme chef de file",
    "nap.pillars": "Piliers couverts",
    "nap.civil_society_role": "Rôle de la société civile",
    "nap.local_action_plans": "Nombre de plans d'action locaux",
    "nap.gender_disaggregated_data": "Le plan s'appuie sur des données ventilées par sexe",
    "nap.gr30_themes": "Thèmes de la recommandation générale no 30 traités par le plan",
    "nap.gr30_themes.hint": (
        "Cochez un thème lorsque le plan prévoit des mesures qui lui sont propres (paragraphes "
        "29 à 81 de la recommandation générale)."
    ),
    "nap.small_arms": (
        "Le plan traite du désarmement et des armes légères (par exemple le Traité sur le "
        "commerce des armes)"
    ),
    "nap.abroad": "Action à l'étranger",
    "nap.abroad.donor_assistance": (
        "Le plan finance des activités relatives aux femmes et à la paix et à la sécurité à "
        "l'étranger"
    ),
    "nap.abroad.peacekeeping_contingents": (
        "Le plan couvre les contingents de maintien de la paix du membre"
    ),
    "nap.abroad.peace_process_role": (
        "Le membre assure une médiation ou une facilitation, ou appuie des processus de paix à "
        "l'étranger"
    ),
    "nap.abroad.women_in_delegations": (
        "Des femmes siègent dans les délégations de négociation et de médiation du membre"
    ),
    "nap.budget": "Budget",
    "nap.budget.allocated": "Un budget est alloué",
    "nap.budget.amount": "Montant",
    "nap.budget.currency": "Monnaie",
    "nap.budget.currency.hint": "Trois lettres majuscules, par exemple EUR, USD, XOF.",
    "nap.monitoring": "Suivi et évaluation",
    "nap.monitoring.framework": "Il existe un cadre de suivi et d'évaluation",
    "nap.monitoring.reporting_frequency": "Périodicité des rapports",
    "nap.monitoring.reporting_frequency.hint": "Par exemple : annuelle, tous les deux ans.",
    "nap.cedaw": "Références à la CEDEF",
    "nap.cedaw.articles_cited": "Articles de la CEDEF cités",
    "nap.cedaw.articles_cited.hint": "Un article par ligne, par exemple 2, 5(a), 7.",
    "nap.cedaw.cites_gr30": "Le plan cite la recommandation générale no 30",
    "cedaw_reporting": "Rapports au Comité pour l'élimination de la discrimination à l'égard "
    "des femmes",
    "cedaw_reporting.last_report_year": "Année du dernier rapport périodique",
    "cedaw_reporting.covered_wps": "Le dernier rapport traitait des femmes et de la paix et "
    "de la sécurité",
    "cedaw_reporting.observations_on_wps": "Les observations finales portaient sur les femmes "
    "et la paix et la sécurité",
    "cedaw_reporting.nap_answers_observations": "Le plan donne suite à ces observations",
    "cedaw_reporting.observations_symbol": "Cote des dernières observations finales",
    "cedaw_reporting.observations_symbol.hint": "Par exemple CEDAW/C/FRA/CO/9.",
    "cedaw_reporting.observations_paragraphs": (
        "Leurs paragraphes relatifs aux femmes et à la paix et à la sécurité"
    ),
    "cedaw_reporting.observations_paragraphs.hint": "Par exemple 27-28, ou 27, 31.",
    "status": "État d'avancement",
    "evidence": "Éléments d'appréciation",
    "ratings": "Appréciation par thème",
    "ratings.participation": "Participation et représentation",
    "ratings.accountability": "Responsabilité et plaidoyer",
    "ratings.alliances": "Construction d'alliances",
    "comments": "Observations",
    "recommendations": "Recommandations au membre",
    "recommendations.hint": "Une recommandation par ligne.",
    "reviewer.active": "attendu",
    "reviewer.submitted": "remis",
    "reviewer.replaced": "remplacé",
    "reviewer.recused": "récusé",
    "reviewer.reassigned": "réattribué",
    "answer.supported": "acceptée",
    "answer.noted": "notée",
    "decision.approve": "Approuver",
    "decision.return_for_revision": "Renvoyer pour révision",
    "done.self_assessment": "L'auto-évaluation a bien été reçue.",
    "done.peer_review": "L'examen par les pairs a bien été reçu.",
    "done.respond": "Les réponses ont été enregistrées.",
    "done.sign-off": "La décision a été enregistrée.",
    "done.extend": "Le délai a été prolongé.",
    "done.withdraw": "L'examen a été retiré.",
    "done.reassign": "Un nouvel examinateur a été tiré au sort.",
    "done.replace": "Un nouvel examinateur a été tiré au sort.",
    "done.recuse": "Votre membre s'est récusé ; un nouvel examinateur a été tiré au sort.",
    "letter.invitation": "invitation",
    "letter.reminder": "rappel",
    "letter.overdue": "avis de retard",
    "letter.review_request": "demande d'examen par les pairs",
    "letter.reviewer_change": "changement d'examinateur",
    "letter.returned": "renvoi pour révision",
    "letter.final_feedback": "conclusions finales",
    "letter.withdrawal": "retrait",
    "letter.cycle_summary": "bilan du cycle",
    "group.AF": "Groupe des États d'Afrique",
    "group.APG": "Groupe des États d'Asie et du Pacifique",
    "group.EEG": "Groupe des États d'Europe orientale",
    "group.GRULAC": "Groupe des États d'Amérique latine et des Caraïbes",
    "group.WEOG": "Groupe des États d'Europe occidentale et autres États",
    "group.ORG": "Organisations régionales",
    "cedaw.state_party": "État partie",
    "cedaw.not_party": "Non partie",
    "cedaw.not_applicable": "Sans objet",
    "cycle_error.cycle_id": "Lettres, chiffres, points ou tirets (40 au plus).",
    "cycle_error.cycle_exists": "Un cycle portant cet identifiant existe déjà.",
    "cycle_error.members": "Veuillez choisir au moins deux membres.",
    "cycle_error.draw": "Aucun tirage ne respecte les règles avec ces membres.",
    "cycle_error.duration": "Indiquez une durée telle que 60d, 12h ou 30m.",
    "cycle_error.reviewers": "Indiquez un nombre de 1 à 10.",
    "cycle_error.seed": "Indiquez un nombre entier, ou laissez le champ vide.",
    "duration.self_assessment": "Auto-évaluation",
    "duration.peer_review": "Examen par les pairs",
    "duration.sign_off": "Validation",
    "duration.reminder": "Rappel avant chaque échéance",
    "capital": "capitale",
    "new_york_mission": "mission à New York",
    "at least 10 characters": "il doit compter au moins 10 caractères",
    "not the email address": "il ne peut pas être l'adresse électronique",
    "not the example password": "il ne peut pas être le mot de passe d'exemple",
    # phrases
    "A new password": "Nouveau mot de passe",
    "Something went wrong": "Un incident s'est produit",
    "The review service did not answer as it should. Nothing was lost; please try again in a "
    "moment. If it goes on, please tell the secretariat.": (
        "Le service des examens n'a pas répondu comme prévu. Rien n'a été perdu ; veuillez "
        "réessayer dans un instant. Si l'incident persiste, veuillez en informer le secrétariat."
    ),
    "Only the latest {n} letters are shown; narrow the list with the filters.": (
        "Seules les {n} lettres les plus récentes sont affichées ; affinez la liste avec les "
        "filtres."
    ),
    "Each member's stages over time": "Les étapes de chaque membre dans le temps",
    "One row per member; each bar is a stage, from when the review entered it to when it left "
    "it. The table below gives the same in words.": (
        "Une ligne par membre ; chaque barre est une étape, du moment où l'examen y est entré "
        "au moment où il l'a quittée. Le tableau ci-dessous donne les mêmes informations."
    ),
    "The SHA-256 is that of the timeline in English, as the export holds it.": (
        "L'empreinte SHA-256 est celle de la chronologie en anglais, telle que l'export la "
        "conserve."
    ),
    "The outcome of {n} event(s) cannot be derived from a replay.": (
        "L'issue de {n} événement(s) ne peut pas être établie par une réexécution."
    ),
    "Every member of the Network (the boxes below are then ignored)": (
        "Tous les membres du Réseau (les cases ci-dessous sont alors ignorées)"
    ),
    "A recommendation is empty.": "Une recommandation est vide.",
    "A replay with the current workflow code agrees with the history.": (
        "Une réexécution avec le code actuel du processus concorde avec l'historique."
    ),
    "A replay with the current workflow code does not agree with the history: {error}": (
        f"Une réexécution avec le code actuel du processus ne concorde pas avec "
        f"l'historique{NB}: {{error}}"
    ),
    "Account": "Compte",
    "Actions": "Actions",
    "Add": "Ajouter",
    "Add a person": "Ajouter une personne",
    "All letters": "Toutes les lettres",
    "All stages": "Toutes les étapes",
    "An invitation was sent to {email}. The single-use link:": (
        f"Une invitation a été envoyée à {{email}}. Le lien, valable une seule fois{NB}:"
    ),
    "An invitation was created for {email}. The single-use link:": (
        f"Une invitation a été créée pour {{email}}. Le lien, valable une seule fois{NB}:"
    ),
    "The email could not be sent ({reason}). Give the person this link yourself.": (
        "Le courriel n'a pas pu être envoyé ({reason}). Veuillez transmettre ce lien vous-même "
        "à la personne."
    ),
    "Answer the peer recommendations for {member} ({count} open)": (
        "Répondre aux recommandations des pairs pour {member} ({count} en attente)"
    ),
    "Article": "Article",
    "As an auditor you can read every review, its timeline and its export; nothing here can "
    "be changed.": (
        "En qualité d'auditeur, vous pouvez consulter chaque examen, sa chronologie et son "
        "export ; rien ne peut être modifié ici."
    ),
    "Ask for a new password": "Demander un nouveau mot de passe",
    "Ask for a reviewer to be replaced": "Demander le remplacement d'un examinateur",
    "At least {n} characters.": "Au moins {n} caractères.",
    "Auditors read every review and change nothing; this request would change something, so "
    "it was refused.": (
        "Les auditeurs consultent tous les examens sans rien modifier ; cette demande aurait "
        "modifié quelque chose et a donc été refusée."
    ),
    "Back to sign-in": "Retour à la connexion",
    "Back to the start": "Retour à l'accueil",
    "By how many days": "Nombre de jours",
    "CEDAW": "CEDEF",
    "CEDAW linkage check": "Vérification du lien avec la CEDEF",
    "CEDAW reporting": "Rapports au titre de la CEDEF",
    "Chair": "Présidence",
    "Change": "Changer",
    "Changing the members or the seed changes the draw; show it again before starting.": (
        "Modifier les membres ou la graine modifie le tirage ; affichez-le de nouveau avant "
        "de lancer le cycle."
    ),
    "Choose your password": "Choisir votre mot de passe",
    "Code": "Code",
    "Comments (sent to the member)": "Observations (communiquées au membre)",
    "Complete the self-assessment": "Remplir l'auto-évaluation",
    "Complete the self-assessment of {member}": "Remplir l'auto-évaluation : {member}",
    "Completed": "Achevés",
    "Copy to": "Copie à",
    "Cycle": "Cycle",
    "Cycle id": "Identifiant du cycle",
    "Cycle {cycle}": "Cycle {cycle}",
    "Cycles": "Cycles",
    "Date": "Date",
    "Deactivate": "Désactiver",
    "Deadline": "Échéance",
    "Decision": "Décision",
    "Designate": "Désigner",
    "Designate a focal point": "Désigner un point focal",
    "Digest of the draw": "Empreinte du tirage",
    "Done.": "C'est fait.",
    "Download (HTML)": "Télécharger (HTML)",
    "Download (text)": "Télécharger (texte)",
    "Download the audit export (zip)": "Télécharger l'export d'audit (zip)",
    "Draft saved {when}. You can come back to it at any time.": (
        "Brouillon enregistré le {when}. Vous pouvez le reprendre à tout moment."
    ),
    "Durations (e.g. 60d, 12h, 30m)": "Durées (par exemple 60d, 12h, 30m)",
    "Email address": "Adresse électronique",
    "Everyone": "Toutes les personnes",
    "Everything you typed is kept.": "Tout ce que vous avez saisi est conservé.",
    "Evidence": "Éléments d'appréciation",
    "Extend": "Prolonger",
    "Extend the deadline": "Prolonger le délai",
    "Filter": "Filtrer",
    "Finding": "Constat",
    "Findings": "Constats",
    "Focal point": "Point focal",
    "Focal point of {member}.": "Point focal : {member}.",
    "For each recommendation of the 2018 debriefing, its status and the evidence for it.": (
        "Pour chaque recommandation du bilan de 2018, son état d'avancement et les éléments "
        "qui l'attestent."
    ),
    "For {email}.": "Pour {email}.",
    "Forgotten your password?": f"Mot de passe oublié{NB}?",
    "From the Temporal history of {workflow} (run {run}), refused steps included.": (
        "Établie à partir de l'historique Temporal de {workflow} (exécution {run}), étapes "
        "refusées comprises."
    ),
    "GR30": "RG30",
    "Give the email address of your account; we will send a link to choose a new password.": (
        "Veuillez indiquer l'adresse électronique de votre compte ; un lien vous sera envoyé "
        "pour choisir un nouveau mot de passe."
    ),
    "Group": "Groupe",
    "If this address belongs to an account, a link to choose a new password has been sent to "
    "it. The link works once and for two hours.": (
        "Si cette adresse correspond à un compte, un lien pour choisir un nouveau mot de passe "
        "y a été envoyé. Ce lien n'est valable qu'une fois, pendant deux heures."
    ),
    "Invite": "Inviter",
    "JSON file": "Fichier JSON",
    "Language": "Langue",
    "Last change": "Dernière modification",
    "Letter": "Lettre",
    "Letters": "Lettres",
    "Letters to you": "Lettres qui vous sont adressées",
    "Letters, digits, dots, dashes; e.g. 2019.": (
        "Lettres, chiffres, points, tirets ; par exemple 2019."
    ),
    "Location": "Lieu",
    "Main": "Menu principal",
    "Member": "Membre",
    "Member (for a focal point)": "Membre (pour un point focal)",
    "Member reviewed": "Membre examiné",
    "Members": "Membres",
    "Members taking part": "Membres participants",
    "Ministry or mission": "Ministère ou mission",
    "Name": "Nom",
    "New password": "Nouveau mot de passe",
    "No cycle has been started yet.": "Aucun cycle n'a encore été lancé.",
    "None yet.": "Aucun pour l'instant.",
    "None.": "Aucune.",
    "Not allowed": "Action non autorisée",
    "Not submitted yet.": "Pas encore remise.",
    "Nothing is waiting for you.": "Rien n'attend votre intervention.",
    "Once per cycle; a new reviewer is drawn by lot.": (
        "Une fois par cycle ; un nouvel examinateur est tiré au sort."
    ),
    "Or upload the JSON file": "Ou téléverser le fichier JSON",
    "Overall rating:": f"Appréciation d'ensemble{NB}:",
    "Overdue only": "En retard uniquement",
    "Overdue: the review of {member}": "En retard : l'examen de {member}",
    "Overview": "Vue d'ensemble",
    "Page not found": "Page introuvable",
    "Password": "Mot de passe",
    "Peer recommendations": "Recommandations des pairs",
    "Peer review by {member}": "Examen par les pairs : {member}",
    "Peer review of {member}": "Examen par les pairs — {member}",
    "Peer reviews": "Examens par les pairs",
    "Peer reviews of {member}": "Examens par les pairs — {member}",
    "People": "Personnes",
    "Period": "Période",
    "Please choose a JSON file to upload.": "Veuillez choisir un fichier JSON à téléverser.",
    "Please choose one of the options.": "Veuillez choisir l'une des options.",
    "Please choose supported or noted for at least one recommendation.": (
        "Veuillez indiquer « acceptée » ou « notée » pour au moins une recommandation."
    ),
    "Please correct the fields marked below.": "Veuillez corriger les champs signalés ci-dessous.",
    "Problems to correct before submitting: {count}": (
        f"Points à corriger avant l'envoi{NB}: {{count}}"
    ),
    "Please fill this in.": "Veuillez remplir ce champ.",
    "Please give a date.": "Veuillez indiquer une date.",
    "Please give a number.": "Veuillez indiquer un nombre.",
    "Please give {maximum} or less.": "Veuillez indiquer {maximum} au plus.",
    "Please give {minimum} or more.": "Veuillez indiquer {minimum} au moins.",
    "Please use the expected form (three capital letters for a currency, e.g. EUR).": (
        "Veuillez respecter la forme attendue (trois lettres majuscules pour une monnaie, par "
        "exemple EUR)."
    ),
    "Progress": "Avancement",
    "Reactivate": "Réactiver",
    "Reason": "Motif",
    "Reason (sent to the member)": "Motif (communiqué au membre)",
    "Reassign": "Réattribuer",
    "Reassign a reviewer that does not respond": "Réattribuer l'examen d'un examinateur qui ne "
    "répond pas",
    "Recommendation": "Recommandation",
    "Recommendations": "Recommandations",
    "Record the answers": "Enregistrer les réponses",
    "Record the decision": "Enregistrer la décision",
    "Recuse {member} from this review": "Récuser {member} de cet examen",
    "Refused steps": "Étapes refusées",
    "Refused: {reason}": f"Refusé{NB}: {{reason}}",
    "Replace this reviewer": "Remplacer cet examinateur",
    "Review of {member}": "Examen : {member}",
    "Review portal": "Portail des examens",
    "Reviewer": "Examinateur",
    "Reviewers": "Examinateurs",
    "Reviewers per member": "Examinateurs par membre",
    "Reviews": "Examens",
    "Reviews of {member}": "Examens : {member}",
    "Reviews per stage": "Examens par étape",
    "Reviews your member was drawn for": "Examens pour lesquels votre membre a été tiré au sort",
    "Reviews, overdue first": "Examens, les retards en premier",
    "Revise the self-assessment": "Réviser l'auto-évaluation",
    "Revise the self-assessment of {member} (returned by the secretariat)": (
        "Réviser l'auto-évaluation : {member} (renvoyée par le secrétariat)"
    ),
    "Role": "Rôle",
    "Round": "Tour",
    "Round {n}": "Tour {n}",
    "Rules relaxed": "Règles assouplies",
    "Save the draft": "Enregistrer le brouillon",
    "Say for each recommendation whether {member} supports it or notes it. Unanswered "
    "recommendations stand as noted.": (
        "Veuillez indiquer, pour chaque recommandation, si {member} l'accepte ou en prend note. "
        "Les recommandations restées sans réponse sont réputées notées."
    ),
    "Seed of the draw (optional)": "Graine du tirage (facultatif)",
    "Self-assessment": "Auto-évaluation",
    "Self-assessment of {member}": "Auto-évaluation — {member}",
    "Send the link": "Envoyer le lien",
    "Set the password": "Enregistrer le mot de passe",
    "Severity": "Gravité",
    "Show the draw": "Afficher le tirage",
    "Sign in": "Se connecter",
    "Sign off the review of {member}": "Valider l'examen : {member}",
    "Sign out": "Se déconnecter",
    "Sign out on every device": "Se déconnecter de tous les appareils",
    "Sign-off": "Validation",
    "Sign-off decisions": "Décisions de validation",
    "Skip to the content": "Aller au contenu",
    "Some of what was sent is missing or not valid; nothing was changed.": (
        "Certaines informations manquent ou ne sont pas valables ; rien n'a été modifié."
    ),
    "Stage": "Étape",
    "Stages": "Étapes",
    "Start a cycle": "Lancer un cycle",
    "Start the cycle": "Lancer le cycle",
    "Started": "Lancé le",
    "Status": "État",
    "Submit the peer review": "Remettre l'examen",
    "Submit the self-assessment": "Remettre l'auto-évaluation",
    "Submit the uploaded file": "Remettre le fichier téléversé",
    "The 24 recommendations": "Les 24 recommandations",
    "The Chair of the cycle's year": "La présidence de l'année du cycle",
    "The cycle is started; the reviews appear below as they begin.": (
        "Le cycle est lancé ; les examens apparaissent ci-dessous à mesure qu'ils commencent."
    ),
    "The email address or the password is not right. Please try again.": (
        "L'adresse électronique ou le mot de passe est inexact. Veuillez réessayer."
    ),
    "The file is larger than allowed.": "Le fichier dépasse la taille autorisée.",
    "The file is not a PDF.": "Le fichier n'est pas au format PDF.",
    "The file is not valid JSON.": "Le fichier n'est pas un JSON valable.",
    "The plan": "Le plan",
    "The plan (PDF):": f"Le plan (PDF){NB}:",
    "The plan as a PDF file": "Le plan au format PDF",
    "The plan's period ends before it starts.": "La période du plan se termine avant de commencer.",
    "The review troika": "La troïka d'examen",
    "The review troika drawn with seed {seed}": "La troïka d'examen tirée avec la graine {seed}",
    "The same file the command line takes (napreview submit self-assessment).": (
        "Le même fichier que celui de la ligne de commande (napreview submit self-assessment)."
    ),
    "The same password again": "Le même mot de passe, une seconde fois",
    "The secretariat's comments": "Observations du secrétariat",
    "The self-assessment of {member}": "L'auto-évaluation — {member}",
    "The two passwords differ. Please type the same password twice.": (
        "Les deux mots de passe diffèrent. Veuillez saisir deux fois le même mot de passe."
    ),
    "The uploaded file is not a valid self-assessment; its values are shown in the form below "
    "with the problems marked.": (
        "Le fichier téléversé n'est pas une auto-évaluation valable ; ses valeurs figurent dans "
        "le formulaire ci-dessous, les points à corriger étant signalés."
    ),
    "There is no such page, or it is not yours to see.": (
        "Cette page n'existe pas, ou vous n'êtes pas habilité à la consulter."
    ),
    "This account is locked after repeated wrong passwords. Please try again after {time}, or "
    "ask for a new password below.": (
        "Ce compte est verrouillé à la suite de plusieurs mots de passe erronés. Veuillez "
        "réessayer après le {time}, ou demander un nouveau mot de passe ci-dessous."
    ),
    "This form had expired or did not come from this site. Please go back, reload the page and "
    "try again.": (
        "Ce formulaire avait expiré ou ne provenait pas de ce site. Veuillez revenir en "
        "arrière, recharger la page et réessayer."
    ),
    "This is too long.": "Ce texte est trop long.",
    "This link has already been used; each link works once.": (
        "Ce lien a déjà été utilisé ; chaque lien n'est valable qu'une fois."
    ),
    "This link has expired. Please ask the secretariat for a new invitation, or ask for a new "
    "password.": (
        "Ce lien a expiré. Veuillez demander une nouvelle invitation au secrétariat, ou un "
        "nouveau mot de passe."
    ),
    "This link is not known. Please check that it was copied whole.": (
        "Ce lien est inconnu. Veuillez vérifier qu'il a été copié en entier."
    ),
    "This password cannot be used: {why}.": (
        f"Ce mot de passe ne peut pas être utilisé{NB}: {{why}}."
    ),
    "This request was refused.": "Cette demande a été refusée.",
    "Time (UTC)": "Heure (UTC)",
    "Timeline": "Chronologie",
    "Timeline of the review of {member}": "Chronologie de l'examen : {member}",
    "Title (Ms, Mr, Dr …)": "Titre (Mme, M., Dr …)",
    "To": "Destinataire",
    "UN Women, secretariat of the Women, Peace and Security Focal Points Network.": (
        "ONU Femmes, secrétariat du Réseau des points focaux Femmes, paix et sécurité."
    ),
    "Upload the plan (PDF, at most {n} MB)": "Téléverser le plan (PDF, {n} Mo au plus)",
    "WPS Focal Points Network": "Réseau des points focaux FPS",
    "WPS Focal Points Network reviews": "Examens du Réseau des points focaux FPS",
    "Waiting for you": "En attente de votre intervention",
    "What happened": "Événement",
    "What was sent is too large.": "L'envoi est trop volumineux.",
    "Withdraw": "Retirer",
    "Withdraw the review": "Retirer l'examen",
    "Write the peer review": "Rédiger l'examen par les pairs",
    "Write the peer review of {member}": "Rédiger l'examen par les pairs : {member}",
    "You are signed out on every device.": "Vous êtes déconnecté de tous les appareils.",
    "You are signed out.": "Vous êtes déconnecté.",
    "You cannot deactivate your own account.": "Vous ne pouvez pas désactiver votre propre compte.",
    "Your part": "Ce qui vous revient",
    "Your password is set. Please sign in with it.": (
        "Votre mot de passe est enregistré. Veuillez vous connecter."
    ),
    "Your review": "Votre examen",
    "active": "actif",
    "by": "par",
    "cycle {cycle}": "cycle {cycle}",
    "deactivated": "désactivé",
    "example": "exemple",
    "in place of {member}": "en remplacement de {member}",
    "locked until {time}": "verrouillé jusqu'au {time}",
    "no": "non",
    "no password yet": "pas encore de mot de passe",
    "none": "aucun",
    "not answered": "sans réponse",
    "overdue": "en retard",
    "required": "obligatoire",
    "submitted {when}": "remis le {when}",
    "yes": "oui",
    "days left: {n}": f"jours restants{NB}: {{n}}",
    "{n} events; SHA-256 of the timeline {digest}": (
        f"{{n}} événements ; empreinte SHA-256 de la chronologie{NB}: {{digest}}"
    ),
    "members: {n}": f"membres{NB}: {{n}}",
    "— choose —": "— choisir —",
}

ES: dict[str, str] = {
    # fields and values
    "focal_point": "coordinador",
    "secretariat": "secretaría",
    "auditor": "auditor",
    "nap": "El plan",
    "nap.iteration": "Edición del plan (1 para el primero)",
    "nap.title": "Título del plan",
    "nap.adopted_on": "Fecha de aprobación",
    "nap.period_start": "Período desde",
    "nap.period_end": "hasta",
    "nap.lead_agency": "Organismo rector",
    "nap.pillars": "Pilares abarcados",
    "nap.civil_society_role": "Función de la sociedad civil",
    "nap.local_action_plans": "Número de planes de acción locales",
    "nap.gender_disaggregated_data": "El plan utiliza datos desglosados por sexo",
    "nap.gr30_themes": "Temas de la recomendación general núm. 30 que aborda el plan",
    "nap.gr30_themes.hint": (
        "Marque un tema cuando el plan prevea medidas propias al respecto (párrafos 29 a 81 de "
        "la recomendación general)."
    ),
    "nap.small_arms": (
        "El plan aborda el desarme y las armas pequeñas (por ejemplo, el Tratado sobre el "
        "Comercio de Armas)"
    ),
    "nap.abroad": "Acción en el exterior",
    "nap.abroad.donor_assistance": (
        "El plan financia actividades sobre las mujeres y la paz y la seguridad en el exterior"
    ),
    "nap.abroad.peacekeeping_contingents": (
        "El plan abarca los contingentes de mantenimiento de la paz del miembro"
    ),
    "nap.abroad.peace_process_role": (
        "El miembro ejerce funciones de mediación o facilitación, o apoya procesos de paz en el "
        "exterior"
    ),
    "nap.abroad.women_in_delegations": (
        "Hay mujeres en las delegaciones de negociación y mediación del miembro"
    ),
    "nap.budget": "Presupuesto",
    "nap.budget.allocated": "Se ha asignado un presupuesto",
    "nap.budget.amount": "Cuantía",
    "nap.budget.currency": "Moneda",
    "nap.budget.currency.hint": "Tres letras mayúsculas, por ejemplo EUR, USD, XOF.",
    "nap.monitoring": "Seguimiento y evaluación",
    "nap.monitoring.framework": "Existe un marco de seguimiento y evaluación",
    "nap.monitoring.reporting_frequency": "Periodicidad de los informes",
    "nap.monitoring.reporting_frequency.hint": "Por ejemplo: anual, cada dos años.",
    "nap.cedaw": "Referencias a la CEDAW",
    "nap.cedaw.articles_cited": "Artículos de la CEDAW citados",
    "nap.cedaw.articles_cited.hint": "Un artículo por línea, por ejemplo 2, 5(a), 7.",
    "nap.cedaw.cites_gr30": "El plan cita la recomendación general núm. 30",
    "cedaw_reporting": "Informes al Comité para la Eliminación de la Discriminación contra la "
    "Mujer",
    "cedaw_reporting.last_report_year": "Año del último informe periódico",
    "cedaw_reporting.covered_wps": "El último informe trató de las mujeres, la paz y la seguridad",
    "cedaw_reporting.observations_on_wps": "Las observaciones finales se refirieron a las "
    "mujeres, la paz y la seguridad",
    "cedaw_reporting.nap_answers_observations": "El plan da respuesta a esas observaciones",
    "cedaw_reporting.observations_symbol": "Signatura de las últimas observaciones finales",
    "cedaw_reporting.observations_symbol.hint": "Por ejemplo, CEDAW/C/ESP/CO/9.",
    "cedaw_reporting.observations_paragraphs": (
        "Sus párrafos relativos a las mujeres y la paz y la seguridad"
    ),
    "cedaw_reporting.observations_paragraphs.hint": "Por ejemplo, 27-28, o 27, 31.",
    "status": "Estado de aplicación",
    "evidence": "Elementos que lo acreditan",
    "ratings": "Valoración por tema",
    "ratings.participation": "Participación y representación",
    "ratings.accountability": "Rendición de cuentas y promoción",
    "ratings.alliances": "Creación de alianzas",
    "comments": "Observaciones",
    "recommendations": "Recomendaciones al miembro",
    "recommendations.hint": "Una recomendación por línea.",
    "reviewer.active": "pendiente",
    "reviewer.submitted": "presentado",
    "reviewer.replaced": "sustituido",
    "reviewer.recused": "recusado",
    "reviewer.reassigned": "reasignado",
    "answer.supported": "aceptada",
    "answer.noted": "anotada",
    "decision.approve": "Aprobar",
    "decision.return_for_revision": "Devolver para revisión",
    "done.self_assessment": "Se ha recibido la autoevaluación.",
    "done.peer_review": "Se ha recibido el examen entre pares.",
    "done.respond": "Se han registrado las respuestas.",
    "done.sign-off": "Se ha registrado la decisión.",
    "done.extend": "Se ha prorrogado el plazo.",
    "done.withdraw": "Se ha retirado el examen.",
    "done.reassign": "Se ha sorteado un nuevo examinador.",
    "done.replace": "Se ha sorteado un nuevo examinador.",
    "done.recuse": "Su miembro se ha recusado; se ha sorteado un nuevo examinador.",
    "letter.invitation": "invitación",
    "letter.reminder": "recordatorio",
    "letter.overdue": "aviso de retraso",
    "letter.review_request": "solicitud de examen entre pares",
    "letter.reviewer_change": "cambio de examinador",
    "letter.returned": "devolución para revisión",
    "letter.final_feedback": "conclusiones finales",
    "letter.withdrawal": "retiro",
    "letter.cycle_summary": "resumen del ciclo",
    "group.AF": "Grupo de los Estados de África",
    "group.APG": "Grupo de los Estados de Asia y el Pacífico",
    "group.EEG": "Grupo de los Estados de Europa Oriental",
    "group.GRULAC": "Grupo de los Estados de América Latina y el Caribe",
    "group.WEOG": "Grupo de los Estados de Europa Occidental y otros Estados",
    "group.ORG": "Organizaciones regionales",
    "cedaw.state_party": "Estado parte",
    "cedaw.not_party": "No es parte",
    "cedaw.not_applicable": "No procede",
    "cycle_error.cycle_id": "Letras, cifras, puntos o guiones (40 como máximo).",
    "cycle_error.cycle_exists": "Ya existe un ciclo con este identificador.",
    "cycle_error.members": "Elija al menos dos miembros.",
    "cycle_error.draw": "Ningún sorteo cumple las reglas con estos miembros.",
    "cycle_error.duration": "Indique una duración como 60d, 12h o 30m.",
    "cycle_error.reviewers": "Indique un número del 1 al 10.",
    "cycle_error.seed": "Indique un número entero, o deje el campo vacío.",
    "duration.self_assessment": "Autoevaluación",
    "duration.peer_review": "Examen entre pares",
    "duration.sign_off": "Aprobación",
    "duration.reminder": "Recordatorio antes de cada plazo",
    "capital": "capital",
    "new_york_mission": "misión en Nueva York",
    "at least 10 characters": "debe tener al menos 10 caracteres",
    "not the email address": "no puede ser la dirección de correo electrónico",
    "not the example password": "no puede ser la contraseña de ejemplo",
    # phrases
    "A new password": "Nueva contraseña",
    "Something went wrong": "Se ha producido un problema",
    "The review service did not answer as it should. Nothing was lost; please try again in a "
    "moment. If it goes on, please tell the secretariat.": (
        "El servicio de exámenes no respondió como debía. No se ha perdido nada; inténtelo de "
        "nuevo dentro de un momento. Si el problema persiste, informe a la secretaría."
    ),
    "Only the latest {n} letters are shown; narrow the list with the filters.": (
        "Solo se muestran las {n} cartas más recientes; acote la lista con los filtros."
    ),
    "Each member's stages over time": "Las etapas de cada miembro a lo largo del tiempo",
    "One row per member; each bar is a stage, from when the review entered it to when it left "
    "it. The table below gives the same in words.": (
        "Una fila por miembro; cada barra es una etapa, desde que el examen entró en ella hasta "
        "que salió. El cuadro siguiente ofrece la misma información."
    ),
    "The SHA-256 is that of the timeline in English, as the export holds it.": (
        "La huella SHA-256 es la de la cronología en inglés, tal como la conserva la exportación."
    ),
    "The outcome of {n} event(s) cannot be derived from a replay.": (
        "El resultado de {n} suceso(s) no puede establecerse mediante una reejecución."
    ),
    "Every member of the Network (the boxes below are then ignored)": (
        "Todos los miembros de la Red (en ese caso no se tienen en cuenta las casillas siguientes)"
    ),
    "A recommendation is empty.": "Una recomendación está vacía.",
    "A replay with the current workflow code agrees with the history.": (
        "Una reejecución con el código actual del proceso concuerda con el historial."
    ),
    "A replay with the current workflow code does not agree with the history: {error}": (
        "Una reejecución con el código actual del proceso no concuerda con el historial: {error}"
    ),
    "Account": "Cuenta",
    "Actions": "Acciones",
    "Add": "Añadir",
    "Add a person": "Añadir una persona",
    "All letters": "Todas las cartas",
    "All stages": "Todas las etapas",
    "An invitation was sent to {email}. The single-use link:": (
        "Se ha enviado una invitación a {email}. El enlace, de un solo uso:"
    ),
    "An invitation was created for {email}. The single-use link:": (
        "Se ha creado una invitación para {email}. El enlace, de un solo uso:"
    ),
    "The email could not be sent ({reason}). Give the person this link yourself.": (
        "No se ha podido enviar el correo electrónico ({reason}). Entregue usted mismo este "
        "enlace a la persona."
    ),
    "Answer the peer recommendations for {member} ({count} open)": (
        "Responder a las recomendaciones de los pares sobre {member} ({count} pendientes)"
    ),
    "Article": "Artículo",
    "As an auditor you can read every review, its timeline and its export; nothing here can "
    "be changed.": (
        "En calidad de auditor, puede consultar todos los exámenes, su cronología y su "
        "exportación; aquí no se puede modificar nada."
    ),
    "Ask for a new password": "Solicitar una nueva contraseña",
    "Ask for a reviewer to be replaced": "Solicitar la sustitución de un examinador",
    "At least {n} characters.": "Al menos {n} caracteres.",
    "Auditors read every review and change nothing; this request would change something, so "
    "it was refused.": (
        "Los auditores consultan todos los exámenes sin modificar nada; esta solicitud habría "
        "modificado algo, por lo que se ha denegado."
    ),
    "Back to sign-in": "Volver al inicio de sesión",
    "Back to the start": "Volver al inicio",
    "By how many days": "Número de días",
    "CEDAW": "CEDAW",
    "CEDAW linkage check": "Verificación del vínculo con la CEDAW",
    "CEDAW reporting": "Informes en virtud de la CEDAW",
    "Chair": "Presidencia",
    "Change": "Cambiar",
    "Changing the members or the seed changes the draw; show it again before starting.": (
        "Si cambia los miembros o la semilla, cambia el sorteo; muéstrelo de nuevo antes de "
        "iniciar el ciclo."
    ),
    "Choose your password": "Elegir su contraseña",
    "Code": "Código",
    "Comments (sent to the member)": "Observaciones (se comunican al miembro)",
    "Complete the self-assessment": "Completar la autoevaluación",
    "Complete the self-assessment of {member}": "Completar la autoevaluación: {member}",
    "Completed": "Concluidos",
    "Copy to": "Con copia a",
    "Cycle": "Ciclo",
    "Cycle id": "Identificador del ciclo",
    "Cycle {cycle}": "Ciclo {cycle}",
    "Cycles": "Ciclos",
    "Date": "Fecha",
    "Deactivate": "Desactivar",
    "Deadline": "Plazo",
    "Decision": "Decisión",
    "Designate": "Designar",
    "Designate a focal point": "Designar un coordinador",
    "Digest of the draw": "Huella del sorteo",
    "Done.": "Hecho.",
    "Download (HTML)": "Descargar (HTML)",
    "Download (text)": "Descargar (texto)",
    "Download the audit export (zip)": "Descargar la exportación de auditoría (zip)",
    "Draft saved {when}. You can come back to it at any time.": (
        "Borrador guardado el {when}. Puede retomarlo en cualquier momento."
    ),
    "Durations (e.g. 60d, 12h, 30m)": "Duraciones (por ejemplo 60d, 12h, 30m)",
    "Email address": "Dirección de correo electrónico",
    "Everyone": "Todas las personas",
    "Everything you typed is kept.": "Se conserva todo lo que ha escrito.",
    "Evidence": "Elementos que lo acreditan",
    "Extend": "Prorrogar",
    "Extend the deadline": "Prorrogar el plazo",
    "Filter": "Filtrar",
    "Finding": "Conclusión",
    "Findings": "Conclusiones",
    "Focal point": "Coordinador",
    "Focal point of {member}.": "Coordinador: {member}.",
    "For each recommendation of the 2018 debriefing, its status and the evidence for it.": (
        "Para cada recomendación de la reunión informativa de 2018, su estado de aplicación y "
        "los elementos que lo acreditan."
    ),
    "For {email}.": "Para {email}.",
    "Forgotten your password?": "¿Ha olvidado su contraseña?",
    "From the Temporal history of {workflow} (run {run}), refused steps included.": (
        "Elaborada a partir del historial de Temporal de {workflow} (ejecución {run}), "
        "incluidos los pasos denegados."
    ),
    "GR30": "RG30",
    "Give the email address of your account; we will send a link to choose a new password.": (
        "Indique la dirección de correo electrónico de su cuenta; se le enviará un enlace para "
        "elegir una nueva contraseña."
    ),
    "Group": "Grupo",
    "If this address belongs to an account, a link to choose a new password has been sent to "
    "it. The link works once and for two hours.": (
        "Si esta dirección corresponde a una cuenta, se le ha enviado un enlace para elegir una "
        "nueva contraseña. El enlace puede utilizarse una sola vez durante dos horas."
    ),
    "Invite": "Invitar",
    "JSON file": "Archivo JSON",
    "Language": "Idioma",
    "Last change": "Última modificación",
    "Letter": "Carta",
    "Letters": "Cartas",
    "Letters to you": "Cartas dirigidas a usted",
    "Letters, digits, dots, dashes; e.g. 2019.": (
        "Letras, cifras, puntos, guiones; por ejemplo 2019."
    ),
    "Location": "Lugar",
    "Main": "Menú principal",
    "Member": "Miembro",
    "Member (for a focal point)": "Miembro (para un coordinador)",
    "Member reviewed": "Miembro examinado",
    "Members": "Miembros",
    "Members taking part": "Miembros participantes",
    "Ministry or mission": "Ministerio o misión",
    "Name": "Nombre",
    "New password": "Nueva contraseña",
    "No cycle has been started yet.": "Todavía no se ha iniciado ningún ciclo.",
    "None yet.": "Ninguno por ahora.",
    "None.": "Ninguno.",
    "Not allowed": "Acción no permitida",
    "Not submitted yet.": "Todavía no presentada.",
    "Nothing is waiting for you.": "No hay nada pendiente de su parte.",
    "Once per cycle; a new reviewer is drawn by lot.": (
        "Una vez por ciclo; se sortea un nuevo examinador."
    ),
    "Or upload the JSON file": "O cargar el archivo JSON",
    "Overall rating:": "Valoración general:",
    "Overdue only": "Solo con retraso",
    "Overdue: the review of {member}": "Con retraso: el examen de {member}",
    "Overview": "Panorama general",
    "Page not found": "Página no encontrada",
    "Password": "Contraseña",
    "Peer recommendations": "Recomendaciones de los pares",
    "Peer review by {member}": "Examen entre pares: {member}",
    "Peer review of {member}": "Examen entre pares — {member}",
    "Peer reviews": "Exámenes entre pares",
    "Peer reviews of {member}": "Exámenes entre pares — {member}",
    "People": "Personas",
    "Period": "Período",
    "Please choose a JSON file to upload.": "Elija un archivo JSON para cargar.",
    "Please choose one of the options.": "Elija una de las opciones.",
    "Please choose supported or noted for at least one recommendation.": (
        "Indique «aceptada» o «anotada» para al menos una recomendación."
    ),
    "Please correct the fields marked below.": "Corrija los campos señalados a continuación.",
    "Problems to correct before submitting: {count}": (
        "Aspectos que deben corregirse antes del envío: {count}"
    ),
    "Please fill this in.": "Rellene este campo.",
    "Please give a date.": "Indique una fecha.",
    "Please give a number.": "Indique un número.",
    "Please give {maximum} or less.": "Indique {maximum} como máximo.",
    "Please give {minimum} or more.": "Indique {minimum} como mínimo.",
    "Please use the expected form (three capital letters for a currency, e.g. EUR).": (
        "Respete la forma prevista (tres letras mayúsculas para una moneda, por ejemplo EUR)."
    ),
    "Progress": "Avance",
    "Reactivate": "Reactivar",
    "Reason": "Motivo",
    "Reason (sent to the member)": "Motivo (se comunica al miembro)",
    "Reassign": "Reasignar",
    "Reassign a reviewer that does not respond": "Reasignar el examen de un examinador que no "
    "responde",
    "Recommendation": "Recomendación",
    "Recommendations": "Recomendaciones",
    "Record the answers": "Registrar las respuestas",
    "Record the decision": "Registrar la decisión",
    "Recuse {member} from this review": "Recusar a {member} de este examen",
    "Refused steps": "Pasos denegados",
    "Refused: {reason}": "Denegado: {reason}",
    "Replace this reviewer": "Sustituir a este examinador",
    "Review of {member}": "Examen: {member}",
    "Review portal": "Portal de exámenes",
    "Reviewer": "Examinador",
    "Reviewers": "Examinadores",
    "Reviewers per member": "Examinadores por miembro",
    "Reviews": "Exámenes",
    "Reviews of {member}": "Exámenes: {member}",
    "Reviews per stage": "Exámenes por etapa",
    "Reviews your member was drawn for": "Exámenes para los que se sorteó a su miembro",
    "Reviews, overdue first": "Exámenes, primero los que tienen retraso",
    "Revise the self-assessment": "Revisar la autoevaluación",
    "Revise the self-assessment of {member} (returned by the secretariat)": (
        "Revisar la autoevaluación: {member} (devuelta por la secretaría)"
    ),
    "Role": "Función",
    "Round": "Ronda",
    "Round {n}": "Ronda {n}",
    "Rules relaxed": "Reglas flexibilizadas",
    "Save the draft": "Guardar el borrador",
    "Say for each recommendation whether {member} supports it or notes it. Unanswered "
    "recommendations stand as noted.": (
        "Indique, para cada recomendación, si {member} la acepta o toma nota de ella. Las "
        "recomendaciones sin respuesta se considerarán anotadas."
    ),
    "Seed of the draw (optional)": "Semilla del sorteo (opcional)",
    "Self-assessment": "Autoevaluación",
    "Self-assessment of {member}": "Autoevaluación — {member}",
    "Send the link": "Enviar el enlace",
    "Set the password": "Guardar la contraseña",
    "Severity": "Gravedad",
    "Show the draw": "Mostrar el sorteo",
    "Sign in": "Iniciar sesión",
    "Sign off the review of {member}": "Aprobar el examen: {member}",
    "Sign out": "Cerrar sesión",
    "Sign out on every device": "Cerrar sesión en todos los dispositivos",
    "Sign-off": "Aprobación",
    "Sign-off decisions": "Decisiones de aprobación",
    "Skip to the content": "Ir al contenido",
    "Some of what was sent is missing or not valid; nothing was changed.": (
        "Falta información o no es válida; no se ha modificado nada."
    ),
    "Stage": "Etapa",
    "Stages": "Etapas",
    "Start a cycle": "Iniciar un ciclo",
    "Start the cycle": "Iniciar el ciclo",
    "Started": "Iniciado el",
    "Status": "Estado",
    "Submit the peer review": "Presentar el examen",
    "Submit the self-assessment": "Presentar la autoevaluación",
    "Submit the uploaded file": "Presentar el archivo cargado",
    "The 24 recommendations": "Las 24 recomendaciones",
    "The Chair of the cycle's year": "La Presidencia del año del ciclo",
    "The cycle is started; the reviews appear below as they begin.": (
        "El ciclo se ha iniciado; los exámenes aparecen a continuación a medida que comienzan."
    ),
    "The email address or the password is not right. Please try again.": (
        "La dirección de correo electrónico o la contraseña no son correctas. Inténtelo de nuevo."
    ),
    "The file is larger than allowed.": "El archivo supera el tamaño permitido.",
    "The file is not a PDF.": "El archivo no está en formato PDF.",
    "The file is not valid JSON.": "El archivo no es un JSON válido.",
    "The plan": "El plan",
    "The plan (PDF):": "El plan (PDF):",
    "The plan as a PDF file": "El plan en formato PDF",
    "The plan's period ends before it starts.": "El período del plan termina antes de empezar.",
    "The review troika": "La troika de examen",
    "The review troika drawn with seed {seed}": (
        "La troika de examen sorteada con la semilla {seed}"
    ),
    "The same file the command line takes (napreview submit self-assessment).": (
        "El mismo archivo que admite la línea de comandos (napreview submit self-assessment)."
    ),
    "The same password again": "La misma contraseña, otra vez",
    "The secretariat's comments": "Observaciones de la secretaría",
    "The self-assessment of {member}": "La autoevaluación — {member}",
    "The two passwords differ. Please type the same password twice.": (
        "Las dos contraseñas no coinciden. Escriba dos veces la misma contraseña."
    ),
    "The uploaded file is not a valid self-assessment; its values are shown in the form below "
    "with the problems marked.": (
        "El archivo cargado no es una autoevaluación válida; sus valores figuran en el "
        "formulario a continuación, con los aspectos que deben corregirse señalados."
    ),
    "There is no such page, or it is not yours to see.": (
        "Esta página no existe, o usted no está autorizado a consultarla."
    ),
    "This account is locked after repeated wrong passwords. Please try again after {time}, or "
    "ask for a new password below.": (
        "Esta cuenta está bloqueada tras varios intentos con una contraseña incorrecta. "
        "Inténtelo de nuevo después del {time}, o solicite una nueva contraseña más abajo."
    ),
    "This form had expired or did not come from this site. Please go back, reload the page and "
    "try again.": (
        "Este formulario había caducado o no procedía de este sitio. Vuelva atrás, recargue la "
        "página e inténtelo de nuevo."
    ),
    "This is too long.": "El texto es demasiado largo.",
    "This link has already been used; each link works once.": (
        "Este enlace ya se ha utilizado; cada enlace puede utilizarse una sola vez."
    ),
    "This link has expired. Please ask the secretariat for a new invitation, or ask for a new "
    "password.": (
        "Este enlace ha caducado. Solicite una nueva invitación a la secretaría, o una nueva "
        "contraseña."
    ),
    "This link is not known. Please check that it was copied whole.": (
        "Este enlace no se reconoce. Compruebe que se haya copiado completo."
    ),
    "This password cannot be used: {why}.": "Esta contraseña no puede utilizarse: {why}.",
    "This request was refused.": "Esta solicitud se ha denegado.",
    "Time (UTC)": "Hora (UTC)",
    "Timeline": "Cronología",
    "Timeline of the review of {member}": "Cronología del examen: {member}",
    "Title (Ms, Mr, Dr …)": "Tratamiento (Sra., Sr., Dr. …)",
    "To": "Destinatario",
    "UN Women, secretariat of the Women, Peace and Security Focal Points Network.": (
        "ONU Mujeres, secretaría de la Red de Coordinadores sobre las Mujeres, la Paz y la "
        "Seguridad."
    ),
    "Upload the plan (PDF, at most {n} MB)": "Cargar el plan (PDF, {n} MB como máximo)",
    "WPS Focal Points Network": "Red de Coordinadores MPS",
    "WPS Focal Points Network reviews": "Exámenes de la Red de Coordinadores MPS",
    "Waiting for you": "Pendiente de su parte",
    "What happened": "Suceso",
    "What was sent is too large.": "El envío es demasiado voluminoso.",
    "Withdraw": "Retirar",
    "Withdraw the review": "Retirar el examen",
    "Write the peer review": "Redactar el examen entre pares",
    "Write the peer review of {member}": "Redactar el examen entre pares: {member}",
    "You are signed out on every device.": "Ha cerrado sesión en todos los dispositivos.",
    "You are signed out.": "Ha cerrado sesión.",
    "You cannot deactivate your own account.": "No puede desactivar su propia cuenta.",
    "Your part": "Lo que le corresponde",
    "Your password is set. Please sign in with it.": (
        "Su contraseña se ha guardado. Inicie sesión con ella."
    ),
    "Your review": "Su examen",
    "active": "activa",
    "by": "por",
    "cycle {cycle}": "ciclo {cycle}",
    "deactivated": "desactivada",
    "example": "ejemplo",
    "in place of {member}": "en sustitución de {member}",
    "locked until {time}": "bloqueada hasta el {time}",
    "no": "no",
    "no password yet": "todavía sin contraseña",
    "none": "ninguno",
    "not answered": "sin respuesta",
    "overdue": "con retraso",
    "required": "obligatorio",
    "submitted {when}": "presentada el {when}",
    "yes": "sí",
    "days left: {n}": "días restantes: {n}",
    "{n} events; SHA-256 of the timeline {digest}": (
        "{n} sucesos; huella SHA-256 de la cronología: {digest}"
    ),
    "members: {n}": "miembros: {n}",
    "— choose —": "— elegir —",
}

# French typography: a no-break space before the colon, a narrow one before ; ? and !
FR = {
    key: value.replace(" :", NB + ":")
    .replace(" ;", "\u202f;")
    .replace(" ?", "\u202f?")
    .replace(" !", "\u202f!")
    for key, value in FR.items()
}
CATALOG: dict[str, dict[str, str]] = {"en": EN, "fr": FR, "es": ES}
