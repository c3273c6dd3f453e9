"""Labels in English and French, and locale-aware formatting of numbers and dates.

The language follows Fava's: its ``language`` option, else the browser's preferred language
(Flask-Babel's ``get_locale``). French for ``fr``, English for anything else:

    2025-01-01 custom "fava-option" "language" "fr"

shows "Créances clients", "Balance âgée", amounts as ``1 234,56``. Messages are keyed by their
English text; a message missing from `FR` shows in English. Numbers and dates are formatted with
Babel; tables keep ISO dates, as Fava does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from beancount_ar.core.money import quantum

LANGUAGES = ("en", "fr")

FR: dict[str, str] = {
    # title and navigation
    "Receivables": "Créances clients",
    "Aging": "Balance âgée",
    "Customers": "Clients",
    "Customer": "Client",
    "Invoices": "Factures",
    # scope
    "As of {date}": "Au {date}",
    "the end of the time filter": "fin du filtre de période",
    "today: no time filter": "aujourd'hui : pas de filtre de période",
    "Period {begin} to {end} ({days} days)": "Période du {begin} au {end} ({days} jours)",
    "The as-of date is in the future: amounts falling due before it show as overdue.":
        "La date d'arrêté est dans le futur : les montants échus d'ici là apparaissent en "
        "retard.",
    "Customers narrowed by the account filter “{filter}”.":
        "Clients restreints par le filtre de comptes « {filter} ».",
    "No receivable account matches the account filter “{filter}”.":
        "Aucun compte client ne correspond au filtre de comptes « {filter} ».",
    "The time filter “{filter}” cannot be read; today is used.":
        "Le filtre de période « {filter} » est illisible ; la date du jour est utilisée.",
    "The ledger has {count} error(s): see the Errors page.":
        "Le grand livre contient {count} erreur(s) : voir la page Erreurs.",
    "Errors": "Erreurs",
    "The ledger has no plugin \"beancount_ar\" line: due dates are computed from the terms "
    "here, but the plugin's checks and discount entries are missing.":
        "Le grand livre n'a pas de ligne plugin \"beancount_ar\" : les échéances sont calculées "
        "ici d'après les conditions, mais les contrôles du plugin et les écritures d'escompte "
        "manquent.",
    "Not an ISO 4217 currency: {currencies}; amounts in it show with all their decimals (at "
    "least 2).":
        "Devise hors ISO 4217 : {currencies} ; ses montants s'affichent avec toutes leurs "
        "décimales (au moins 2).",
    "This page could not be built: {message}":
        "Cette page n'a pas pu être construite : {message}",
    "No customers yet: open a receivable account under {root} (one per customer), then "
    "record invoices with invoice: metadata.":
        "Aucun client : ouvrez un compte client sous {root} (un par client), puis saisissez "
        "des factures avec la métadonnée invoice:.",
    "Nothing is owed as of this date.": "Rien n'est dû à cette date.",
    # aging
    "Aged receivables": "Balance âgée des créances",
    "by due date": "par date d'échéance",
    "by invoice date": "par date de facture",
    "Age by due date": "Âge par échéance",
    "Age by invoice date": "Âge par date de facture",
    "Current": "Non échu",
    "{low}–{high} days": "{low} à {high} jours",
    "over {days} days": "plus de {days} jours",
    "Unapplied credits": "Crédits non imputés",
    "Total": "Total",
    "Currency": "Devise",
    "Receivable accounts' balance": "Solde des comptes clients",
    "Total {total} {currency} equals the receivable accounts' balance {balance} {currency}.":
        "Le total {total} {currency} est égal au solde des comptes clients {balance} "
        "{currency}.",
    "Total {total} {currency} differs from the receivable accounts' balance {balance} "
    "{currency} by {difference} {currency}.":
        "Le total {total} {currency} diffère du solde des comptes clients {balance} {currency} "
        "de {difference} {currency}.",
    "Receivables by age, {currency}": "Créances par ancienneté, {currency}",
    "Show the invoices": "Voir les factures",
    # metrics
    "Metrics": "Indicateurs",
    "DSO": "DSO",
    "Countback DSO": "DSO par épuisement",
    "Best possible DSO": "DSO optimal",
    "Average days delinquent": "Retard moyen (ADD)",
    "CEI": "CEI",
    "Credit sales": "Ventes à crédit",
    "days": "jours",
    "n/a": "n.d.",
    "Days sales outstanding: closing receivables / credit sales of the period × days in the "
    "period.":
        "Délai moyen de recouvrement : créances en fin de période / ventes à crédit de la "
        "période × jours de la période.",
    "Countback DSO: the closing receivables are matched against each month's credit sales, "
    "going back from the as-of month, counting each month's days.":
        "DSO par épuisement : les créances de fin de période sont imputées sur les ventes à "
        "crédit de chaque mois en remontant depuis le mois d'arrêté, en comptant les jours de "
        "chaque mois.",
    "Best possible DSO: receivables not yet due / credit sales × days: the DSO if every "
    "customer paid on time.":
        "DSO optimal : créances non échues / ventes à crédit × jours : le DSO si chaque "
        "client payait à l'échéance.",
    "Average days delinquent: DSO − best possible DSO, the days that late payments add.":
        "Retard moyen : DSO − DSO optimal, les jours qu'ajoutent les retards de paiement.",
    "Collection effectiveness index: (opening receivables + credit sales − closing "
    "receivables) / (opening receivables + credit sales − closing receivables not yet due) × "
    "100.":
        "Indice d'efficacité du recouvrement : (créances d'ouverture + ventes à crédit − "
        "créances de clôture) / (créances d'ouverture + ventes à crédit − créances de clôture "
        "non échues) × 100.",
    "Credit sales: invoices dated in the period less credit notes dated in it, VAT included.":
        "Ventes à crédit : factures datées de la période moins les avoirs de la période, TTC.",
    "invoiced {invoiced} − credit notes {credit_notes}":
        "facturé {invoiced} − avoirs {credit_notes}",
    "opening {opening}, closing {closing}, not yet due {current}":
        "ouverture {opening}, clôture {closing}, non échu {current}",
    "No credit sales in the period: DSO cannot be computed.":
        "Aucune vente à crédit sur la période : le DSO ne peut pas être calculé.",
    # customers
    "Account": "Compte",
    "Balance": "Solde",
    "Overdue": "En retard",
    "Oldest overdue": "Plus ancien retard",
    "Credit limit": "Encours autorisé",
    "Limit used": "Encours utilisé",
    "Risk": "Risque",
    "Average days late": "Retard moyen",
    "Open items": "Pièces ouvertes",
    "low": "faible",
    "medium": "moyen",
    "high": "élevé",
    "Risk rating rule": "Règle de notation du risque",
    "High: an amount more than {high} days past due, the credit limit exceeded, or a "
    "write-off in the last 12 months. Medium: an amount more than {medium} days past due, "
    "payments more than {late} days late on average over the last 12 months, or more than "
    "{limit} % of the credit limit used. Low: otherwise.":
        "Élevé : un montant en retard de plus de {high} jours, l'encours autorisé dépassé, ou "
        "une créance passée en perte dans les 12 derniers mois. Moyen : un montant en retard de "
        "plus de {medium} jours, des paiements en retard de plus de {late} jours en moyenne sur "
        "les 12 derniers mois, ou plus de {limit} % de l'encours autorisé utilisé. Faible : "
        "sinon.",
    "{item} is {days} days past due": "{item} est en retard de {days} jours",
    "a late-payment charge on {invoice} of {date} is {days} days past due":
        "une pénalité de retard sur {invoice} du {date} est en retard de {days} jours",
    "{days} days past due": "{days} jours de retard",
    "credit limit exceeded ({use} %)": "encours autorisé dépassé ({use} %)",
    "{use} % of the credit limit used": "{use} % de l'encours autorisé utilisé",
    "written off in the last 12 months: {amounts}":
        "passé en perte dans les 12 derniers mois : {amounts}",
    "paid {days} days late on average": "paie avec {days} jours de retard en moyenne",
    "Filter the table": "Filtrer le tableau",
    # customer
    "Unknown customer “{customer}”.": "Client inconnu « {customer} ».",
    "Give a customer: ?customer=<receivable account>.":
        "Indiquez un client : ?customer=<compte client>.",
    "Contact": "Contact",
    "E-mail": "E-mail",
    "Address": "Adresse",
    "Language": "Langue",
    "Terms": "Conditions",
    "Shared account": "Compte partagé",
    "Account journal in Fava": "Journal du compte dans Fava",
    "Credit limit exceeded: {balance} {currency} owed for a limit of {limit} {currency} "
    "({use} %).":
        "Encours autorisé dépassé : {balance} {currency} dus pour un encours de {limit} "
        "{currency} ({use} %).",
    "{use} % of the credit limit of {limit} {currency} is used.":
        "{use} % de l'encours autorisé de {limit} {currency} est utilisé.",
    "No credit limit (credit_limit: on the account's open directive).":
        "Pas d'encours autorisé (credit_limit: sur la directive open du compte).",
    "Payment behaviour": "Comportement de paiement",
    "Over the 12 months from {since}: {count} invoice(s) or instalment(s) paid; each counts "
    "once.":
        "Sur les 12 mois depuis le {since} : {count} facture(s) ou échéance(s) payée(s) ; "
        "chacune compte une fois.",
    "Average days to pay": "Délai moyen de paiement",
    "Paid on time": "Payé à l'échéance",
    "Days to pay: from the invoice date to the date it was fully paid. Days late: from the "
    "due date to that date (0 when on time). Credit notes and write-offs are not payments.":
        "Délai de paiement : de la date de facture à la date du paiement complet. Retard : de "
        "l'échéance à cette date (0 si à temps). Avoirs et pertes ne sont pas des paiements.",
    "Average days late, month by month": "Retard moyen, mois par mois",
    "{count} paid, {days} days late on average": "{count} payée(s), {days} jours de retard en "
                                                 "moyenne",
    "nothing paid": "rien de payé",
    "Why": "Pourquoi",
    "History": "Historique",
    "Date": "Date",
    "Entry": "Écriture",
    "Reference": "Référence",
    "Debit": "Débit",
    "Credit": "Crédit",
    "Settles / settled by": "Lettrage",
    "Source": "Source",
    "source": "source",
    "entry": "écriture",
    "netted": "compensé",
    "unapplied": "non imputé",
    "Letter": "Lettre",
    "Lettering: lines that settle each other share a letter, in capitals once fully settled.":
        "Lettrage : les lignes qui se soldent entre elles partagent une lettre, en majuscules "
        "une fois entièrement soldées.",
    "No open items.": "Aucune pièce ouverte.",
    "The last {shown} of {count} lines.": "Les {shown} dernières lignes sur {count}.",
    "Show all": "Tout afficher",
    "No entries up to this date.": "Aucune écriture à cette date.",
    # invoices
    "Invoice": "Facture",
    "Status": "Statut",
    "Due": "Échéance",
    "Discount until": "Escompte jusqu'au",
    "Days overdue": "Jours de retard",
    "Amount": "Montant",
    "Open": "Restant dû",
    "Penalties": "Pénalités",
    "Paid on": "Soldée le",
    "All": "Tous",
    "All customers": "Tous les clients",
    "All currencies": "Toutes les devises",
    "Unpaid (open and overdue)": "Impayées (non échues et en retard)",
    "open": "non échue",
    "overdue": "en retard",
    "paid": "payée",
    "credited": "avoir",
    "written_off": "passée en perte",
    "disputed": "en litige",
    "invoice": "facture",
    "debit": "débit",
    "penalty": "pénalité",
    "instalment": "échéance",
    "All kinds": "Toutes les natures",
    "Kind": "Nature",
    "{invoice} (penalty)": "{invoice} (pénalité)",
    "Unknown kind “{kind}”; accepted: {accepted}.":
        "Nature inconnue « {kind} » ; acceptées : {accepted}.",
    "payment": "paiement",
    "credit_note": "avoir",
    "writeoff": "perte",
    "discount": "escompte",
    "Dated from {begin} to {end}": "Datées du {begin} au {end}",
    "In the bucket “{bucket}”": "Dans la tranche « {bucket} »",
    "{count} row(s)": "{count} ligne(s)",
    "Page {page} of {pages}": "Page {page} sur {pages}",
    "Previous": "Précédente",
    "Next": "Suivante",
    "No invoices match.": "Aucune facture ne correspond.",
    "Unknown status “{status}”; accepted: {accepted}.":
        "Statut inconnu « {status} » ; acceptés : {accepted}.",
    "“{value}” is not a date such as 2026-11-23.":
        "« {value} » n'est pas une date telle que 2026-11-23.",
    "Totals of the filtered rows, per currency": "Totaux des lignes filtrées, par devise",
    "Remove the filters": "Retirer les filtres",
    "JSON": "JSON",
    # CSV and XLSX exports (fava_ar_extension.downloads): the link and the files' headers
    "Export": "Exporter",
    "Instalment": "Échéance partielle",
    "Charged on": "Facturée sur",
    "Settled by": "Réglée par",
    "Discount": "Escompte",
    "Fava hides the amounts (--incognito): nothing is exported.":
        "Fava masque les montants (--incognito) : rien n'est exporté.",
    # navigation, customer page: documents
    "Statements": "Relevés",
    "Reminders": "Relances",
    "Statement": "Relevé",
    "Statement of {name}": "Relevé de {name}",
    "Reminders sent": "Relances envoyées",
    "No reminder recorded.": "Aucune relance enregistrée.",
    "Level": "Niveau",
    "level": "niveau",
    "Channel": "Envoi",
    "{number} – {name}": "{number} – {name}",
    "courtesy": "courtoisie",
    "friendly": "amicale",
    "firm": "ferme",
    "final": "mise en demeure",
    "email": "e-mail",
    "letter": "courrier",
    "registered": "recommandé",
    # statements
    "Statements of account": "Relevés de compte",
    "Choose a customer": "Choisissez un client",
    "Type": "Type",
    "From": "Du",
    "To": "Au",
    "Activity (balance forward)": "Mouvements (report de solde)",
    "Activity from {begin} to {end}": "Mouvements du {begin} au {end}",
    "Open items on {date}": "Pièces ouvertes au {date}",
    "An open-items statement has no period.":
        "Un relevé des pièces ouvertes n'a pas de période.",
    "The customer's language": "La langue du client",
    "The period defaults to Fava's time filter, else the 12 months to today.":
        "La période est par défaut celle du filtre de période de Fava, sinon les 12 mois "
        "jusqu'à aujourd'hui.",
    "Download the PDF": "Télécharger le PDF",
    "Open the HTML in a new tab": "Ouvrir le HTML dans un nouvel onglet",
    "Customer page": "Fiche client",
    "The statement cannot be made: {message}": "Le relevé ne peut pas être établi : {message}",
    "Previews are hidden in incognito mode.": "Les aperçus sont masqués en mode incognito.",
    "Customers with a balance on {date}": "Clients ayant un solde au {date}",
    "Download the {count} statements (ZIP of PDFs)":
        "Télécharger les {count} relevés (ZIP de PDF)",
    "One PDF per customer; this takes a few seconds.":
        "Un PDF par client ; cela prend quelques secondes.",
    "statement": "relevé",
    "No customer has a balance on {date}.": "Aucun client n'a de solde au {date}.",
    "No customer has a balance on {date}: there is no statement to send.":
        "Aucun client n'a de solde au {date} : il n'y a pas de relevé à envoyer.",
    "Unknown statement type “{type}”; accepted: {accepted}.":
        "Type de relevé inconnu « {type} » ; acceptés : {accepted}.",
    "Unknown language “{language}”; accepted: {accepted}.":
        "Langue inconnue « {language} » ; acceptées : {accepted}.",
    "The period starts on {begin}, after its end {end}.":
        "La période commence le {begin}, après sa fin le {end}.",
    "This document cannot be made": "Ce document ne peut pas être établi",
    "Back to the receivables": "Retour aux créances clients",
    # reminders
    "as of {date} (today: Fava's time filter does not apply)":
        "au {date} (aujourd'hui : le filtre de période de Fava ne s'applique pas)",
    "Fava runs in read-only mode: letters can be previewed and downloaded, but not sent or "
    "recorded from here.":
        "Fava est en lecture seule : les lettres peuvent être prévisualisées et téléchargées, "
        "mais pas envoyées ni enregistrées d'ici.",
    "Fava runs in read-only mode: it refuses to send or record anything. Download the letter, "
    "send it yourself, and record it with bean-ar remind or in the ledger.":
        "Fava est en lecture seule : il refuse d'envoyer ou d'enregistrer quoi que ce soit. "
        "Téléchargez la lettre, envoyez-la vous-même et enregistrez-la avec bean-ar remind ou "
        "dans le grand livre.",
    "Fava runs in read-only mode.": "Fava est en lecture seule.",
    "Working…": "En cours…",
    "Fava could not be reached: nothing is known to have been sent or recorded; reload the "
    "page to see.":
        "Fava n'a pas pu être joint : rien n'est connu comme envoyé ou enregistré ; rechargez "
        "la page pour le voir.",
    "Records (custom \"ar-reminder\") are appended to {file}, the file where Fava inserts "
    "entries (its default-file option, else the main file).":
        "Les enregistrements (custom \"ar-reminder\") sont ajoutés à {file}, le fichier où Fava "
        "insère les écritures (son option default-file, sinon le fichier principal).",
    "Mail server: {server}.": "Serveur de messagerie : {server}.",
    "No mail server: set smtp_host in the custom \"ar-reminders\" directive to send from "
    "here.":
        "Pas de serveur de messagerie : indiquez smtp_host dans la directive custom "
        "\"ar-reminders\" pour envoyer d'ici.",
    "Letter to {name}": "Lettre à {name}",
    "Close the preview": "Fermer l'aperçu",
    "To send today": "À envoyer aujourd'hui",
    "Actions": "Actions",
    "Recipient": "Destinataire",
    "Punctual payer": "Bon payeur",
    "Regular payer": "Payeur régulier",
    "Late payer": "Mauvais payeur",
    "last reminder {date}": "dernière relance le {date}",
    "no e-mail address": "pas d'adresse e-mail",
    "preview": "aperçu",
    "Send": "Envoyer",
    "Mark as sent": "Marquer comme envoyée",
    "Record it as sent by post (channel letter), without e-mailing it.":
        "L'enregistrer comme envoyée par courrier (envoi letter), sans l'envoyer par e-mail.",
    "Send the letter to {name} ({to}) by e-mail now, and record it?":
        "Envoyer maintenant la lettre à {name} ({to}) par e-mail, et l'enregistrer ?",
    "Nothing to send today.": "Rien à envoyer aujourd'hui.",
    "Held by the minimum spacing": "Retenues par l'espacement minimal",
    "{days} days between two reminders to a customer":
        "{days} jours entre deux relances à un client",
    "Last reminder": "Dernière relance",
    "Due on": "À envoyer le",
    "Courtesy reminders coming up": "Relances de courtoisie à venir",
    "next {days} days": "dans les {days} prochains jours",
    "Skipped": "Écartées",
    "all invoices": "toutes les factures",
    "Recorded today": "Enregistrées aujourd'hui",
    "The reminder policy": "La politique de relance",
    "{days:+d} days": "{days:+d} jours",
    "Days from the due date (negative: before it). At least {days} days between two "
    "reminders to a customer; an invoice never skips a level; one letter per customer at the "
    "level of its most overdue invoice; nothing for an invoice in dispute, under a payment "
    "plan that is kept, or for a customer with reminders: FALSE.":
        "Jours depuis l'échéance (négatif : avant). Au moins {days} jours entre deux relances "
        "à un client ; une facture ne saute jamais un niveau ; une lettre par client, au niveau "
        "de sa facture la plus en retard ; rien pour une facture en litige, sous un échéancier "
        "respecté, ni pour un client marqué reminders: FALSE.",
    "The policy in full": "La politique en détail",
    "{days} days late": "{days} jours de retard",
    "paid; charges of {amount} open": "payée ; pénalités de {amount} dues",
    "due today": "échue aujourd'hui",
    "due in {days} days": "échue dans {days} jours",
    "No reminder for {name} today: nothing of theirs is due for one.":
        "Pas de relance pour {name} aujourd'hui : rien de ce client n'en appelle une.",
    "The reminders cannot be prepared: {message}":
        "Les relances ne peuvent pas être préparées : {message}",
    "Recorded for {name} on {date}: {invoices} (level {level}, {channel}), in {file}.":
        "Enregistrée pour {name} le {date} : {invoices} (niveau {level}, {channel}), dans "
        "{file}.",
    "Expected a JSON body naming the customer.": "Attendu : un corps JSON nommant le client.",
    "Already recorded for {name} by another sender ({reason}). Nothing was sent or recorded "
    "again.":
        "Déjà enregistrée pour {name} par un autre envoi ({reason}). Rien n'a été envoyé ni "
        "enregistré de nouveau.",
    "Refused: this request does not come from a page of this Fava (its Origin or Referer names "
    "another site).":
        "Refusé : cette requête ne vient pas d'une page de ce Fava (son Origin ou son Referer "
        "nomme un autre site).",
    "The request body is too large.": "Le corps de la requête est trop gros.",
    "Nothing was sent or recorded: {message}": "Rien n'a été envoyé ni enregistré : {message}",
    "The e-mail was sent, but the record could not be written: {message}":
        "Le courriel est parti, mais l'enregistrement n'a pas pu être écrit : {message}",
    "Already recorded today for {name}: {invoices} (level {level}, {channel}). Nothing was "
    "sent or recorded again.":
        "Déjà enregistrée aujourd'hui pour {name} : {invoices} (niveau {level}, {channel}). "
        "Rien n'a été envoyé ni enregistré de nouveau.",
    "The letter to {name} is held by the minimum spacing between two reminders until {date}.":
        "La lettre à {name} est retenue par l'espacement minimal entre deux relances jusqu'au "
        "{date}.",
    "The e-mail was sent to {to}, but the record could not be written":
        "L'e-mail a été envoyé à {to}, mais l'enregistrement n'a pas pu être écrit",
    "The record could not be written": "L'enregistrement n'a pas pu être écrit",
    "Add these lines to the ledger by hand:": "Ajoutez ces lignes au grand livre à la main :",
    "Sent to {to} and recorded in {file}: {invoices}.":
        "Envoyée à {to} et enregistrée dans {file} : {invoices}.",
    "Recorded as sent by post in {file}: {invoices}.":
        "Enregistrée comme envoyée par courrier dans {file} : {invoices}.",
    "The letter cannot be made: {message}": "La lettre ne peut pas être établie : {message}",
    "The e-mail was not sent and nothing was recorded: {message}":
        "L'e-mail n'a pas été envoyé et rien n'a été enregistré : {message}",
}


# English labels of the core's codes (statuses, kinds) where the code itself is not one.
EN: dict[str, str] = {
    "written_off": "written off",
    "credit_note": "credit note",
    "writeoff": "write-off",
}


def translator(lang: str) -> Callable[..., str]:
    """A gettext-like function for the language: t("Aging"), t("As of {date}", date=...)."""
    table = FR if lang == "fr" else EN

    def t(message: str, /, **values: Any) -> str:
        text = table.get(message, message)
        return text.format(**values) if values else text

    return t


class UI:
    """Labels and formatting in one language (see the module docstring)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.locale = Locale.parse(self.lang)
        self.t = translator(self.lang)
        self._symbols = (get_decimal_symbol(self.locale), get_group_symbol(self.locale),
                         get_minus_sign_symbol(self.locale))

    def _format(self, value: Decimal | int, digits: int) -> str:
        # The locale's symbols (Babel) on Python's grouping by thousands, which is English's
        # and French's; Babel's format_decimal is ten times slower on long tables.
        decimal, group, minus = self._symbols
        if isinstance(value, Decimal):  # rounded half-up, as money is, not half-even
            value = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        text = f"{abs(value):,.{digits}f}"
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
        return minus + text if value < 0 else text

    # -- numbers -----------------------------------------------------------------------------

    def money(self, amount: Decimal | None, currency: str) -> str:
        """An amount with its currency's decimals (more if the amount has them)."""
        if amount is None:
            return ""
        exponent = amount.as_tuple().exponent
        own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return self._format(amount, max(-quantum(currency).as_tuple().exponent, own))

    def amount(self, amount: Decimal | None, currency: str) -> str:
        """An amount followed by its currency."""
        return f"{self.money(amount, currency)}\u00a0{currency}" if amount is not None else ""

    def number(self, value: Decimal | int | None, digits: int = 1) -> str:
        if value is None:
            return self.t("n/a")
        return self._format(value, digits)

    # -- dates -------------------------------------------------------------------------------

    def long_date(self, date: datetime.date) -> str:
        return format_date(date, "long", locale=self.locale)

    def month(self, date: datetime.date) -> str:
        return format_skeleton("yMMM", date, locale=self.locale)

    def short_month(self, date: datetime.date) -> str:
        return format_date(date, "MMM yy", locale=self.locale)

    # -- codes -------------------------------------------------------------------------------

    def bucket(self, label: str) -> str:
        """The label of an aging bucket from the core's ('current', '1-30', '90+')."""
        if label == "current":
            return self.t("Current")
        if label.endswith("+"):
            return self.t("over {days} days", days=label[:-1])
        low, _, high = label.partition("-")
        return self.t("{low}–{high} days", low=low, high=high)

    def code(self, code: str) -> str:
        """A status, kind or risk level."""
        return self.t(code)
