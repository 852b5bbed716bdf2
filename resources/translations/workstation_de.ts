<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>BrowserTab</name>
    <message>
        <source>Web page</source>
        <translation>Webseite</translation>
    </message>
    <message>
        <source>The page of this tab, loaded through the route</source>
        <translation>Die Seite dieses Tabs, über die Route geladen</translation>
    </message>
</context>
<context>
    <name>CaseExplorer</name>
    <message>
        <source>Snapshots</source>
        <translation>Seitensicherungen</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Heruntergeladene Dateien</translation>
    </message>
    <message>
        <source>Visited pages (automatic)</source>
        <translation>Besuchte Seiten (automatisch)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Aktenzeichen</translation>
    </message>
    <message>
        <source>Requesting unit</source>
        <translation>Ersuchende Dienststelle</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>Rechtsgrundlage</translation>
    </message>
    <message>
        <source>Commodity</source>
        <translation>Deliktsbereich</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>Ermittler</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Case explorer</source>
        <translation>Fallübersicht</translation>
    </message>
    <message>
        <source>The case&apos;s details, exhibits with their control numbers, and counts</source>
        <translation>Die Angaben zum Fall, die Asservate mit ihren Kontrollnummern und die Anzahlen</translation>
    </message>
    <message>
        <source>Compare the two selected exhibits</source>
        <translation>Die beiden ausgewählten Asservate vergleichen</translation>
    </message>
    <message>
        <source>Capture this page again</source>
        <translation>Diese Seite erneut sichern</translation>
    </message>
    <message>
        <source>Verify case</source>
        <translation>Fall prüfen</translation>
    </message>
    <message>
        <source>Re-compute every hash and check the audit log</source>
        <translation>Alle Hashwerte neu berechnen und das Audit-Protokoll prüfen</translation>
    </message>
    <message>
        <source>Verification result</source>
        <translation>Prüfergebnis</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Fall</translation>
    </message>
    <message>
        <source>Exhibits ({count})</source>
        <translation>Asservate ({count})</translation>
    </message>
    <message>
        <source>sealed {time}</source>
        <translation>versiegelt {time}</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Legenden</translation>
    </message>
    <message>
        <source>Contact log entries</source>
        <translation>Einträge im Kontaktprotokoll</translation>
    </message>
    <message>
        <source>Audit log events</source>
        <translation>Einträge im Audit-Protokoll</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Verified: {exhibits} and {events} match.</source>
        <translation>Geprüft: {exhibits} und {events} stimmen überein.</translation>
    </message>
    <message numerus="yes">
        <source>%n exhibit(s)</source>
        <translation>
            <numerusform>%n Asservat</numerusform>
            <numerusform>%n Asservate</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n audit event(s)</source>
        <translation>
            <numerusform>%n Eintrag im Audit-Protokoll</numerusform>
            <numerusform>%n Einträge im Audit-Protokoll</numerusform>
        </translation>
    </message>
    <message>
        <source>NOT VERIFIED: {problems}</source>
        <translation>NICHT BESTÄTIGT: {problems}</translation>
    </message>
</context>
<context>
    <name>CaseOutputs</name>
    <message>
        <source>The report could not be written to {path}: {reason}.</source>
        <translation>Der Bericht konnte nicht nach {path} geschrieben werden: {reason}.</translation>
    </message>
    <message>
        <source>Final report</source>
        <translation>Abschlussbericht</translation>
    </message>
    <message>
        <source>The report&apos;s file name must end in .pdf or .html.</source>
        <translation>Der Dateiname des Berichts muss auf .pdf oder .html enden.</translation>
    </message>
    <message>
        <source>Gathering the report…</source>
        <translation>Der Bericht wird zusammengestellt…</translation>
    </message>
    <message>
        <source>Writing the report…</source>
        <translation>Der Bericht wird geschrieben…</translation>
    </message>
    <message>
        <source>The report was cancelled; no file was written.</source>
        <translation>Der Bericht wurde abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>Der Bericht wird erstellt…</translation>
    </message>
    <message>
        <source>Export evidence package…</source>
        <translation>Beweismittelpaket exportieren…</translation>
    </message>
    <message>
        <source>The package for a court or the requesting unit: the exhibits selected in the case explorer (or all), report, audit log, verifier</source>
        <translation>Das Paket für ein Gericht oder die ersuchende Dienststelle: die in der Fallübersicht ausgewählten Asservate (oder alle), Bericht, Audit-Protokoll, Prüfprogramm</translation>
    </message>
    <message>
        <source>Export redacted disclosure copy…</source>
        <translation>Geschwärzte Offenlegungskopie exportieren…</translation>
    </message>
    <message>
        <source>The package without the contact log&apos;s content, chosen personas or exhibits</source>
        <translation>Das Paket ohne den Inhalt des Kontaktprotokolls, ohne gewählte Legenden oder Asservate</translation>
    </message>
    <message>
        <source>Export encrypted case transfer…</source>
        <translation>Verschlüsselte Fallübermittlung exportieren…</translation>
    </message>
    <message>
        <source>The case (or chosen parts), signed and encrypted for partner workstations</source>
        <translation>Der Fall (oder gewählte Teile), signiert und verschlüsselt für Partner-Arbeitsplätze</translation>
    </message>
    <message>
        <source>Import case transfer…</source>
        <translation>Fallübermittlung importieren…</translation>
    </message>
    <message>
        <source>Verify a transfer completely, then add it to the open case or a new one</source>
        <translation>Eine Übermittlung vollständig prüfen und dann dem geöffneten oder einem neuen Fall hinzufügen</translation>
    </message>
    <message>
        <source>Keys and address book…</source>
        <translation>Schlüssel und Adressbuch…</translation>
    </message>
    <message>
        <source>This workstation&apos;s fingerprint and key card, and the partner workstations</source>
        <translation>Fingerabdruck und Schlüsselkarte dieses Arbeitsplatzes und die Partner-Arbeitsplätze</translation>
    </message>
</context>
<context>
    <name>CasePane</name>
    <message>
        <source>Open or create a case first.</source>
        <translation>Öffnen oder legen Sie zuerst einen Fall an.</translation>
    </message>
</context>
<context>
    <name>ChoiceList</name>
    <message>
        <source>#{number} {title}</source>
        <translation>Nr. {number} {title}</translation>
    </message>
    <message>
        <source>{url}
Control number {control}</source>
        <translation>{url}
Kontrollnummer {control}</translation>
    </message>
    <message>
        <source> (retired)</source>
        <translation> (stillgelegt)</translation>
    </message>
    <message>
        <source>#{number} {kind} {target}</source>
        <translation>Nr. {number} {kind} {target}</translation>
    </message>
    <message>
        <source>Saved {when}</source>
        <translation>Gespeichert {when}</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Tick all: {list}</source>
        <translation>Alle ankreuzen: {list}</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>Tick none: {list}</source>
        <translation>Keine ankreuzen: {list}</translation>
    </message>
    <message>
        <source>Nothing to choose from.</source>
        <translation>Es gibt nichts zur Auswahl.</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Exhibit {number} — {started}</source>
        <translation>Asservat {number} — {started}</translation>
    </message>
    <message>
        <source>(no screenshot in this exhibit)</source>
        <translation>(kein Bildschirmfoto in diesem Asservat)</translation>
    </message>
    <message>
        <source>Screenshot of exhibit {number}</source>
        <translation>Bildschirmfoto von Asservat {number}</translation>
    </message>
    <message>
        <source>Exhibit {older} and exhibit {newer}</source>
        <translation>Asservat {older} und Asservat {newer}</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>Was sich geändert hat</translation>
    </message>
    <message>
        <source>Lines only in the newer capture start with +, lines only in the older with -</source>
        <translation>Zeilen, die nur in der neueren Sicherung stehen, beginnen mit +, Zeilen nur in der älteren mit -</translation>
    </message>
</context>
<context>
    <name>ContactLog</name>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Marketplace message</source>
        <translation>Nachricht über Marktplatz</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>in</source>
        <translation>ein</translation>
    </message>
    <message>
        <source>out</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>Legende</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Dir.</source>
        <translation>Richt.</translation>
    </message>
    <message>
        <source>Counterpart</source>
        <translation>Gegenüber</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>Inhalt</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>[summary]</source>
        <translation>[Zusammenfassung]</translation>
    </message>
    <message>
        <source>corrects #{number}</source>
        <translation>berichtigt #{number}</translation>
    </message>
    <message>
        <source>corrected by #{number}</source>
        <translation>berichtigt durch #{number}</translation>
    </message>
    <message>
        <source>Correct entry #{number}</source>
        <translation>Eintrag #{number} berichtigen</translation>
    </message>
    <message>
        <source>New contact entry</source>
        <translation>Neuer Kontakteintrag</translation>
    </message>
    <message>
        <source>@handle, e-mail, +phone or URL</source>
        <translation>@Nutzername, E-Mail, +Telefonnummer oder URL</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>This is a summary, not the verbatim text</source>
        <translation>Dies ist eine Zusammenfassung, nicht der Wortlaut</translation>
    </message>
    <message>
        <source>Authorisation reference</source>
        <translation>Aktenzeichen der Anordnung</translation>
    </message>
    <message>
        <source>Link the latest snapshot</source>
        <translation>Mit der letzten Seitensicherung verknüpfen</translation>
    </message>
    <message>
        <source>Attach file…</source>
        <translation>Datei anhängen…</translation>
    </message>
    <message>
        <source>Attached files</source>
        <translation>Angehängte Dateien</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Authorisation ref.</source>
        <translation>Anordnung (Az.)</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>Datei anhängen</translation>
    </message>
    <message>
        <source>Contact log</source>
        <translation>Kontaktprotokoll</translation>
    </message>
    <message>
        <source>Every recorded exchange with a counterpart, newest last</source>
        <translation>Jeder erfasste Austausch mit einem Gegenüber, der neueste zuletzt</translation>
    </message>
    <message>
        <source>New entry…</source>
        <translation>Neuer Eintrag…</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>Berichtigen…</translation>
    </message>
    <message>
        <source>Correct the selected entry</source>
        <translation>Den ausgewählten Eintrag berichtigen</translation>
    </message>
    <message>
        <source>Filter by persona</source>
        <translation>Nach Legende filtern</translation>
    </message>
    <message>
        <source>Filter by counterpart</source>
        <translation>Nach Gegenüber filtern</translation>
    </message>
    <message>
        <source>Counterpart contains…</source>
        <translation>Gegenüber enthält…</translation>
    </message>
    <message>
        <source>Entries from date</source>
        <translation>Einträge ab Datum</translation>
    </message>
    <message>
        <source>from (YYYY-MM-DD)</source>
        <translation>ab (JJJJ-MM-TT)</translation>
    </message>
    <message>
        <source>Entries up to date</source>
        <translation>Einträge bis Datum</translation>
    </message>
    <message>
        <source>to (YYYY-MM-DD)</source>
        <translation>bis (JJJJ-MM-TT)</translation>
    </message>
    <message>
        <source>Search the case…</source>
        <translation>Im Fall suchen…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Search the case; Enter shows the matching entries</source>
        <translation>Im Fall suchen; die Eingabetaste zeigt die passenden Einträge</translation>
    </message>
    <message>
        <source>All personas</source>
        <translation>Alle Legenden</translation>
    </message>
    <message>
        <source>Add a persona first: every contact is made under one.</source>
        <translation>Legen Sie zuerst eine Legende an: Jeder Kontakt läuft unter einer Legende.</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Drugs</source>
        <translation>Betäubungsmittel</translation>
    </message>
    <message>
        <source>Protected species (CITES)</source>
        <translation>Geschützte Arten (CITES)</translation>
    </message>
    <message>
        <source>Weapons</source>
        <translation>Waffen</translation>
    </message>
    <message>
        <source>Excise goods</source>
        <translation>Verbrauchsteuerpflichtige Waren</translation>
    </message>
    <message>
        <source>Counterfeits (IPR)</source>
        <translation>Fälschungen (Schutzrechte)</translation>
    </message>
    <message>
        <source>Undervaluation</source>
        <translation>Unterfakturierung</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>New case</source>
        <translation>Neuer Fall</translation>
    </message>
    <message>
        <source>Case reference</source>
        <translation>Aktenzeichen</translation>
    </message>
    <message>
        <source>e.g. 2026-0412 web shop tablets</source>
        <translation>z. B. 2026-0412 Webshop Tabletten</translation>
    </message>
    <message>
        <source>Requesting unit</source>
        <translation>Ersuchende Dienststelle</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>Rechtsgrundlage</translation>
    </message>
    <message>
        <source>Authorisation or legal basis reference</source>
        <translation>Anordnung oder Rechtsgrundlage (Fundstelle)</translation>
    </message>
    <message>
        <source>Commodity area</source>
        <translation>Deliktsbereich</translation>
    </message>
    <message>
        <source>Folder for the case</source>
        <translation>Ordner für den Fall</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Browse for the folder</source>
        <translation>Ordner suchen</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>At least {count} characters</source>
        <translation>Mindestens {count} Zeichen</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Passphrase wiederholen</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Give the case a reference.</source>
        <translation>Geben Sie dem Fall ein Aktenzeichen.</translation>
    </message>
    <message>
        <source>The passphrase needs at least {count} characters.</source>
        <translation>Die Passphrase braucht mindestens {count} Zeichen.</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Die beiden Passphrasen stimmen nicht überein.</translation>
    </message>
    <message>
        <source>{path} already exists.</source>
        <translation>{path} gibt es bereits.</translation>
    </message>
    <message>
        <source>Open case</source>
        <translation>Fall öffnen</translation>
    </message>
    <message>
        <source>Passphrase for {name}</source>
        <translation>Passphrase für {name}</translation>
    </message>
    <message>
        <source>Remember on this PC (the passphrase keeps working)</source>
        <translation>Auf diesem PC merken (die Passphrase gilt weiter)</translation>
    </message>
    <message>
        <source>Keeps an unlock secret in this account&apos;s keyring; leave it off on shared PCs.</source>
        <translation>Legt ein Entsperrgeheimnis im Schlüsselbund dieses Kontos ab; auf gemeinsam genutzten PCs ausgeschaltet lassen.</translation>
    </message>
    <message>
        <source>Change the case passphrase</source>
        <translation>Passphrase des Falls ändern</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>Bisherige Passphrase</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Neue Passphrase</translation>
    </message>
    <message>
        <source>Repeat new passphrase</source>
        <translation>Neue Passphrase wiederholen</translation>
    </message>
    <message>
        <source>The new passphrase needs at least {count} characters.</source>
        <translation>Die neue Passphrase braucht mindestens {count} Zeichen.</translation>
    </message>
    <message>
        <source>The two new passphrases differ.</source>
        <translation>Die beiden neuen Passphrasen stimmen nicht überein.</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Proxy-Passwort</translation>
    </message>
    <message>
        <source>The route {route} logs in to its proxy. This PC has no usable keyring, so the password could not be kept since the last start. Nothing leaves this PC until it is given.</source>
        <translation>Die Route {route} meldet sich bei ihrem Proxy an. Dieser PC hat keinen nutzbaren Schlüsselbund, daher konnte das Passwort seit dem letzten Start nicht aufbewahrt werden. Bis es eingegeben ist, verlässt nichts diesen PC.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Type the proxy password.</source>
        <translation>Geben Sie das Proxy-Passwort ein.</translation>
    </message>
    <message>
        <source>This PC has no usable keyring: the proxy password will be asked again at next start.</source>
        <translation>Dieser PC hat keinen nutzbaren Schlüsselbund: Das Proxy-Passwort wird beim nächsten Start erneut abgefragt.</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Fehlerhinweis</translation>
    </message>
</context>
<context>
    <name>Downloads</name>
    <message>
        <source>A page offered a file; open a case to keep downloads as evidence.</source>
        <translation>Eine Seite bot eine Datei an; öffnen Sie einen Fall, um Downloads als Beweismittel zu sichern.</translation>
    </message>
    <message>
        <source>A page offered a file, but this PC has no memory-backed storage to receive it without writing to disk; it was refused.</source>
        <translation>Eine Seite bot eine Datei an, aber dieser PC hat keinen Arbeitsspeicher-Bereich, um sie ohne Schreiben auf die Festplatte anzunehmen; sie wurde abgelehnt.</translation>
    </message>
    <message>
        <source>A download arrived after the case was closed; it was not kept.</source>
        <translation>Ein Download kam an, nachdem der Fall geschlossen wurde; er wurde nicht behalten.</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Who is working here</source>
        <translation>Wer hier arbeitet</translation>
    </message>
    <message>
        <source>Your name and unit go into every exhibit and audit entry you make.</source>
        <translation>Ihr Name und Ihre Dienststelle stehen in jedem Asservat und jedem Protokolleintrag, die Sie anlegen.</translation>
    </message>
    <message>
        <source>Officer name</source>
        <translation>Name des Ermittlers</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Dienststelle</translation>
    </message>
    <message>
        <source>e.g. Customs investigation, internet unit</source>
        <translation>z. B. Zollfahndung, Internetrecherche</translation>
    </message>
    <message>
        <source>The route out</source>
        <translation>Die Route nach draußen</translation>
    </message>
    <message>
        <source>Everything the workstation sends leaves through this route, and nothing leaves without it. Test it before you go on.</source>
        <translation>Alles, was der Arbeitsplatz sendet, geht über diese Route hinaus, und ohne sie geht nichts hinaus. Testen Sie sie, bevor Sie weitergehen.</translation>
    </message>
    <message>
        <source>Managed Tor needs no set-up. A unit&apos;s proxy is written socks5://HOST:PORT or http://HOST:PORT; if it asks for a login, socks5://USER@HOST:PORT with the password in its own field.</source>
        <translation>Das verwaltete Tor braucht keine Einrichtung. Einen Proxy der Dienststelle schreiben Sie socks5://HOST:PORT oder http://HOST:PORT; verlangt er eine Anmeldung, socks5://USER@HOST:PORT und das Passwort in sein eigenes Feld.</translation>
    </message>
    <message>
        <source>Where cases live</source>
        <translation>Wo die Fälle liegen</translation>
    </message>
    <message>
        <source>Each case is one encrypted folder. Choose where new cases are proposed.</source>
        <translation>Jeder Fall ist ein verschlüsselter Ordner. Wählen Sie, wo neue Fälle vorgeschlagen werden.</translation>
    </message>
    <message>
        <source>Cases folder</source>
        <translation>Ordner für Fälle</translation>
    </message>
    <message>
        <source>Your first case</source>
        <translation>Ihr erster Fall</translation>
    </message>
    <message>
        <source>The workstation is set up. Settings (Ctrl+,) changes any of this.</source>
        <translation>Der Arbeitsplatz ist eingerichtet. Unter Einstellungen (Strg+,) lässt sich all das ändern.</translation>
    </message>
    <message>
        <source>Create your first case now</source>
        <translation>Jetzt den ersten Fall anlegen</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <source>Create a case later</source>
        <translation>Später einen Fall anlegen</translation>
    </message>
    <message>
        <source>Set up the workstation</source>
        <translation>Arbeitsplatz einrichten</translation>
    </message>
    <message>
        <source>First-run set-up</source>
        <translation>Ersteinrichtung</translation>
    </message>
    <message>
        <source>The cases folder {folder} could not be made: {reason}</source>
        <translation>Der Ordner für Fälle {folder} konnte nicht angelegt werden: {reason}</translation>
    </message>
</context>
<context>
    <name>GuiBridge</name>
    <message>
        <source>{what} did not finish within {seconds} seconds; nothing was kept.</source>
        <translation>{what} wurde nicht innerhalb von {seconds} Sekunden fertig; es wurde nichts behalten.</translation>
    </message>
    <message>
        <source>Cancelled by the officer.</source>
        <translation>Vom Ermittler abgebrochen.</translation>
    </message>
    <message>
        <source>An internal error occurred; the details are in the log.</source>
        <translation>Ein interner Fehler ist aufgetreten; die Einzelheiten stehen im Log.</translation>
    </message>
    <message>
        <source>The window was closed before the step finished.</source>
        <translation>Das Fenster wurde geschlossen, bevor der Schritt fertig war.</translation>
    </message>
</context>
<context>
    <name>JobProgress</name>
    <message>
        <source>Progress of: {job}</source>
        <translation>Fortschritt: {job}</translation>
    </message>
    <message>
        <source>What is being done</source>
        <translation>Was gerade geschieht</translation>
    </message>
    <message>
        <source>How far: {job}</source>
        <translation>Wie weit: {job}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel: {job}</source>
        <translation>Abbrechen: {job}</translation>
    </message>
    <message>
        <source>Stop this job; what it started is cleaned up</source>
        <translation>Diesen Vorgang anhalten; was er begonnen hat, wird aufgeräumt</translation>
    </message>
    <message>
        <source>Cancelling: {job}…</source>
        <translation>Wird abgebrochen: {job}…</translation>
    </message>
</context>
<context>
    <name>KeysDialog</name>
    <message>
        <source>Key card (*.card *.json);;All files (*)</source>
        <translation>Schlüsselkarte (*.card *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The key card could not be written to {path}: {reason}.</source>
        <translation>Die Schlüsselkarte konnte nicht nach {path} geschrieben werden: {reason}.</translation>
    </message>
    <message>
        <source>Keys and address book</source>
        <translation>Schlüssel und Adressbuch</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Wird gelesen…</translation>
    </message>
    <message>
        <source>This workstation&apos;s fingerprint</source>
        <translation>Fingerabdruck dieses Arbeitsplatzes</translation>
    </message>
    <message>
        <source>Make this workstation&apos;s keys</source>
        <translation>Schlüssel dieses Arbeitsplatzes erzeugen</translation>
    </message>
    <message>
        <source>e.g. your unit; printed on the card</source>
        <translation>z. B. Ihre Dienststelle; steht auf der Karte</translation>
    </message>
    <message>
        <source>Label on the key card</source>
        <translation>Bezeichnung auf der Schlüsselkarte</translation>
    </message>
    <message>
        <source>Save my key card…</source>
        <translation>Meine Schlüsselkarte speichern…</translation>
    </message>
    <message>
        <source>Save my key card</source>
        <translation>Meine Schlüsselkarte speichern</translation>
    </message>
    <message>
        <source>The public keys partners add to their address book; read them the fingerprint</source>
        <translation>Die öffentlichen Schlüssel, die Partner in ihr Adressbuch aufnehmen; lesen Sie ihnen den Fingerabdruck vor</translation>
    </message>
    <message>
        <source>Add partner key card…</source>
        <translation>Schlüsselkarte eines Partners hinzufügen…</translation>
    </message>
    <message>
        <source>Add partner key card</source>
        <translation>Schlüsselkarte eines Partners hinzufügen</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Partners</source>
        <translation>Partner</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Dienststelle</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Fingerabdruck</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>This workstation</source>
        <translation>Dieser Arbeitsplatz</translation>
    </message>
    <message>
        <source>Card label</source>
        <translation>Kartenbezeichnung</translation>
    </message>
    <message>
        <source>Partner workstations</source>
        <translation>Partner-Arbeitsplätze</translation>
    </message>
    <message>
        <source>No keys yet</source>
        <translation>Noch keine Schlüssel</translation>
    </message>
    <message>
        <source>They are made the first time they are needed, or now with the button below.</source>
        <translation>Sie werden erzeugt, wenn sie zum ersten Mal gebraucht werden, oder jetzt mit der Schaltfläche unten.</translation>
    </message>
    <message>
        <source>Protected by the OS keyring; made {when}.</source>
        <translation>Durch den Schlüsselbund des Betriebssystems geschützt; erzeugt {when}.</translation>
    </message>
    <message>
        <source>Protected by a passphrase (this PC has no keyring); made {when}.</source>
        <translation>Durch eine Passphrase geschützt (dieser PC hat keinen Schlüsselbund); erzeugt {when}.</translation>
    </message>
    <message>
        <source>Saved your key card to {path}. Fingerprint: {fingerprint}</source>
        <translation>Ihre Schlüsselkarte wurde unter {path} gespeichert. Fingerabdruck: {fingerprint}</translation>
    </message>
    <message>
        <source>Added {name} to the address book (fingerprint {fingerprint}).</source>
        <translation>{name} wurde ins Adressbuch aufgenommen (Fingerabdruck {fingerprint}).</translation>
    </message>
    <message>
        <source>Add a partner&apos;s key card</source>
        <translation>Schlüsselkarte eines Partners hinzufügen</translation>
    </message>
    <message>
        <source>Partner&apos;s name</source>
        <translation>Name des Partners</translation>
    </message>
    <message>
        <source>Partner&apos;s unit</source>
        <translation>Dienststelle des Partners</translation>
    </message>
    <message>
        <source>Key card text</source>
        <translation>Text der Schlüsselkarte</translation>
    </message>
    <message>
        <source>Paste the key card here, or load it from a file</source>
        <translation>Fügen Sie die Schlüsselkarte hier ein oder laden Sie sie aus einer Datei</translation>
    </message>
    <message>
        <source>Load from file…</source>
        <translation>Aus Datei laden…</translation>
    </message>
    <message>
        <source>Load the key card from a file</source>
        <translation>Die Schlüsselkarte aus einer Datei laden</translation>
    </message>
    <message>
        <source>The card&apos;s fingerprint</source>
        <translation>Fingerabdruck der Karte</translation>
    </message>
    <message>
        <source>I have compared this fingerprint with the partner (by phone or in person)</source>
        <translation>Ich habe diesen Fingerabdruck mit dem Partner abgeglichen (telefonisch oder persönlich)</translation>
    </message>
    <message>
        <source>Fingerprint compared with the partner</source>
        <translation>Fingerabdruck mit dem Partner abgeglichen</translation>
    </message>
    <message>
        <source>Add partner</source>
        <translation>Partner hinzufügen</translation>
    </message>
    <message>
        <source>Key card</source>
        <translation>Schlüsselkarte</translation>
    </message>
    <message>
        <source>Read this fingerprint to the partner, or have them read theirs to you, by phone or in person. Add the card only if every group matches: a card sent by e-mail could have been swapped on the way.</source>
        <translation>Lesen Sie diesen Fingerabdruck dem Partner vor oder lassen Sie sich seinen vorlesen, telefonisch oder persönlich. Fügen Sie die Karte nur hinzu, wenn jede Gruppe übereinstimmt: Eine per E-Mail geschickte Karte könnte unterwegs ausgetauscht worden sein.</translation>
    </message>
    <message>
        <source>Partner&apos;s key card</source>
        <translation>Schlüsselkarte des Partners</translation>
    </message>
    <message>
        <source>The key card</source>
        <translation>Die Schlüsselkarte</translation>
    </message>
    <message>
        <source>(no card yet)</source>
        <translation>(noch keine Karte)</translation>
    </message>
    <message>
        <source>(not a valid key card)</source>
        <translation>(keine gültige Schlüsselkarte)</translation>
    </message>
</context>
<context>
    <name>LookupRunner</name>
    <message>
        <source>The {kind} lookup failed unexpectedly ({error}); see the log.</source>
        <translation>Die Abfrage {kind} ist unerwartet fehlgeschlagen ({error}); Einzelheiten stehen im Log.</translation>
    </message>
</context>
<context>
    <name>LookupsPane</name>
    <message>
        <source>domain, IP, e-mail, URL, phone or AS number</source>
        <translation>Domain, IP, E-Mail, URL, Telefonnummer oder AS-Nummer</translation>
    </message>
    <message>
        <source>Type a domain, IP address, e-mail address, web address, phone number or AS number to look up.</source>
        <translation>Geben Sie eine Domain, IP-Adresse, E-Mail-Adresse, Webadresse, Telefonnummer oder AS-Nummer für die Abfrage ein.</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>Zertifikat</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>Registrierung</translation>
    </message>
    <message>
        <source>Lookup</source>
        <translation>Abfrage</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Server(s)</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>no route set</source>
        <translation>keine Route eingestellt</translation>
    </message>
    <message>
        <source>persona {name}</source>
        <translation>Legende {name}</translation>
    </message>
    <message>
        <source>no persona (research identity)</source>
        <translation>keine Legende (Recherche-Identität)</translation>
    </message>
    <message>
        <source>Double-click to look up {target} ({kind})</source>
        <translation>Doppelklick fragt {target} ab ({kind})</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Läuft…</translation>
    </message>
    <message>
        <source>Asked as {who}.</source>
        <translation>Gefragt als {who}.</translation>
    </message>
    <message>
        <source>Part of the profile of {target}.</source>
        <translation>Teil des Profils von {target}.</translation>
    </message>
    <message>
        <source>none (offline data)</source>
        <translation>keiner (mitgelieferte Daten)</translation>
    </message>
    <message numerus="yes">
        <source>Done, %n warning(s)</source>
        <translation>
            <numerusform>Fertig, %n Warnung</numerusform>
            <numerusform>Fertig, %n Warnungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Route: {route}</source>
        <translation>Route: {route}</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>Nicht gelaufen</translation>
    </message>
    <message>
        <source>{status} · saved as lookup {number}</source>
        <translation>{status} · als Abfrage {number} gespeichert</translation>
    </message>
    <message>
        <source>Saved as lookup {number}</source>
        <translation>Als Abfrage {number} gespeichert</translation>
    </message>
    <message>
        <source>Look up next ({count})</source>
        <translation>Als Nächstes abfragen ({count})</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Exchanges ({count})</source>
        <translation>Anfragen und Antworten ({count})</translation>
    </message>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>… {count} more (all are kept with the result)</source>
        <translation>… {count} weitere (alle bleiben beim Ergebnis erhalten)</translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies)</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n Byte</numerusform>
            <numerusform>%n Byte</numerusform>
        </translation>
    </message>
    <message>
        <source>Answer SHA-256 {digest}</source>
        <translation>Antwort SHA-256 {digest}</translation>
    </message>
    <message>
        <source>No earlier saved run of this lookup to compare with.</source>
        <translation>Keine früher gespeicherte Ausführung dieser Abfrage zum Vergleich.</translation>
    </message>
    <message>
        <source>No changes since lookup {number}.</source>
        <translation>Keine Änderungen seit Abfrage {number}.</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) since lookup {number}</source>
        <translation>
            <numerusform>%n Änderung seit Abfrage {number}</numerusform>
            <numerusform>%n Änderungen seit Abfrage {number}</numerusform>
        </translation>
    </message>
    <message>
        <source>Lookup target</source>
        <translation>Ziel der Abfrage</translation>
    </message>
    <message>
        <source>What to look up: {kinds}. Enter runs it.</source>
        <translation>Was abgefragt wird: {kinds}. Die Eingabetaste startet die Abfrage.</translation>
    </message>
    <message>
        <source>Lookup kind</source>
        <translation>Art der Abfrage</translation>
    </message>
    <message>
        <source>Profile runs every lookup that fits the target, in parallel</source>
        <translation>Profil führt alle Abfragen, die zum Ziel passen, gleichzeitig aus</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Run lookup</source>
        <translation>Abfrage starten</translation>
    </message>
    <message>
        <source>Run the lookup through the route (Enter in the target field)</source>
        <translation>Die Abfrage über die Route ausführen (Eingabetaste im Zielfeld)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel lookups</source>
        <translation>Abfragen abbrechen</translation>
    </message>
    <message>
        <source>Stop every lookup that is still running</source>
        <translation>Alle noch laufenden Abfragen anhalten</translation>
    </message>
    <message>
        <source>Lookups run as</source>
        <translation>Abfragen laufen als</translation>
    </message>
    <message>
        <source>Lookups go out through the route as the current tab&apos;s identity, like its pages</source>
        <translation>Abfragen gehen wie die Seiten über die Route hinaus, mit der Identität des aktuellen Tabs</translation>
    </message>
    <message>
        <source>Lookup message</source>
        <translation>Meldung zur Abfrage</translation>
    </message>
    <message>
        <source>Save to case</source>
        <translation>Im Fall speichern</translation>
    </message>
    <message>
        <source>Save lookup to case</source>
        <translation>Abfrage im Fall speichern</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Beendete entfernen</translation>
    </message>
    <message>
        <source>Clear finished lookups</source>
        <translation>Beendete Abfragen entfernen</translation>
    </message>
    <message>
        <source>Remove finished lookups from this list (saved lookups stay in the case)</source>
        <translation>Beendete Abfragen aus dieser Liste entfernen (gespeicherte Abfragen bleiben im Fall)</translation>
    </message>
    <message>
        <source>Lookup results</source>
        <translation>Ergebnisse der Abfragen</translation>
    </message>
    <message>
        <source>One row per lookup; double-click a suggested next lookup to run it</source>
        <translation>Eine Zeile je Abfrage; ein Doppelklick auf eine vorgeschlagene Folgeabfrage startet sie</translation>
    </message>
    <message>
        <source>Open or create a case to save lookups as evidence.</source>
        <translation>Öffnen oder legen Sie einen Fall an, um Abfragen als Beweismittel zu speichern.</translation>
    </message>
    <message>
        <source>Select a finished lookup to save.</source>
        <translation>Wählen Sie eine beendete Abfrage zum Speichern aus.</translation>
    </message>
    <message>
        <source>Saving to the case…</source>
        <translation>Wird im Fall gespeichert…</translation>
    </message>
    <message>
        <source>Saved as lookup {number}.</source>
        <translation>Als Abfrage {number} gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>Saved as lookup {number}; %n change(s) since lookup {previous}.</source>
        <translation>
            <numerusform>Als Abfrage {number} gespeichert; %n Änderung seit Abfrage {previous}.</numerusform>
            <numerusform>Als Abfrage {number} gespeichert; %n Änderungen seit Abfrage {previous}.</numerusform>
        </translation>
    </message>
    <message>
        <source>Runs as {who} · route: {route}</source>
        <translation>Läuft als {who} · Route: {route}</translation>
    </message>
    <message>
        <source>Lookup row menu</source>
        <translation>Menü der Abfragezeile</translation>
    </message>
    <message>
        <source>Look up {target}</source>
        <translation>{target} abfragen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Cancelled the lookup of {target}.</source>
        <translation>Die Abfrage von {target} wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Open or create a case to save lookups as evidence</source>
        <translation>Öffnen oder legen Sie einen Fall an, um Abfragen als Beweismittel zu speichern</translation>
    </message>
    <message>
        <source>Already saved as lookup {number}</source>
        <translation>Bereits als Abfrage {number} gespeichert</translation>
    </message>
    <message>
        <source>Keep the selected lookup in the case: raw answers hashed, parsed view, server, route and time</source>
        <translation>Die ausgewählte Abfrage im Fall sichern: Rohantworten mit Prüfsumme, aufbereitete Ansicht, Server, Route und Zeitpunkt</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>New tab</source>
        <translation>Neuer Tab</translation>
    </message>
    <message>
        <source>Browsing identity</source>
        <translation>Identität beim Surfen</translation>
    </message>
    <message>
        <source>Browsing as {who}</source>
        <translation>Unterwegs als {who}</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>The web address of this tab; type one and press Enter to go there</source>
        <translation>Die Webadresse dieses Tabs; geben Sie eine ein und drücken Sie die Eingabetaste, um sie aufzurufen</translation>
    </message>
    <message>
        <source>Nothing leaves this PC until the proxy password is given (Route ▸ Set route…).</source>
        <translation>Bis das Proxy-Passwort eingegeben ist, verlässt nichts diesen PC (Route ▸ Route einstellen…).</translation>
    </message>
    <message>
        <source>Open case</source>
        <translation>Fall öffnen</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Current case</source>
        <translation>Aktueller Fall</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>Vorwärts</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Close tab</source>
        <translation>Tab schließen</translation>
    </message>
    <message>
        <source>Address bar</source>
        <translation>Adressleiste</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Seite sichern</translation>
    </message>
    <message>
        <source>Seal what is on screen into the case ({keys})</source>
        <translation>Das Angezeigte versiegelt im Fall sichern ({keys})</translation>
    </message>
    <message>
        <source>New case…</source>
        <translation>Neuer Fall…</translation>
    </message>
    <message>
        <source>Open case…</source>
        <translation>Fall öffnen…</translation>
    </message>
    <message>
        <source>Close case</source>
        <translation>Fall schließen</translation>
    </message>
    <message>
        <source>Lock case</source>
        <translation>Fall sperren</translation>
    </message>
    <message>
        <source>Change passphrase…</source>
        <translation>Passphrase ändern…</translation>
    </message>
    <message>
        <source>Unlock case…</source>
        <translation>Fall entsperren…</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Über</translation>
    </message>
    <message>
        <source>New contact entry…</source>
        <translation>Neuer Kontakteintrag…</translation>
    </message>
    <message>
        <source>Set route…</source>
        <translation>Route einstellen…</translation>
    </message>
    <message>
        <source>Show exit identity</source>
        <translation>Austrittsadresse anzeigen</translation>
    </message>
    <message>
        <source>New identity for this tab&apos;s persona</source>
        <translation>Neue Identität für die Legende dieses Tabs</translation>
    </message>
    <message>
        <source>New identity and clear this persona&apos;s cookies and cache</source>
        <translation>Neue Identität und Cookies und Cache dieser Legende löschen</translation>
    </message>
    <message>
        <source>Capture every page visited</source>
        <translation>Jede besuchte Seite sichern</translation>
    </message>
    <message>
        <source>Seal each page you visit (its traffic as WARC and its text) into the case</source>
        <translation>Jede besuchte Seite (ihren Datenverkehr als WARC und ihren Text) versiegelt im Fall sichern</translation>
    </message>
    <message>
        <source>Final report…</source>
        <translation>Abschlussbericht…</translation>
    </message>
    <message>
        <source>The case&apos;s report (PDF or HTML): the exhibits selected in the case explorer, or all of them</source>
        <translation>Der Bericht zum Fall (PDF oder HTML): die in der Fallübersicht ausgewählten Asservate oder alle</translation>
    </message>
    <message>
        <source>The report was written to {path}.</source>
        <translation>Der Bericht wurde nach {path} geschrieben.</translation>
    </message>
    <message>
        <source>Navigation</source>
        <translation>Navigationsleiste</translation>
    </message>
    <message>
        <source>&amp;Case</source>
        <translation>&amp;Fall</translation>
    </message>
    <message>
        <source>&amp;Browse</source>
        <translation>&amp;Browser</translation>
    </message>
    <message>
        <source>&amp;Route</source>
        <translation>&amp;Route</translation>
    </message>
    <message>
        <source>&amp;Lookup</source>
        <translation>Abfra&amp;gen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Fall</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Legenden</translation>
    </message>
    <message>
        <source>Contact log</source>
        <translation>Kontaktprotokoll</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Messages…</source>
        <translation>Meldungen…</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Anordnung zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>E&amp;xtras</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Show exit</source>
        <translation>Austritt zeigen</translation>
    </message>
    <message>
        <source>New identity</source>
        <translation>Neue Identität</translation>
    </message>
    <message>
        <source>Route…</source>
        <translation>Route…</translation>
    </message>
    <message>
        <source>{url} could not be loaded again; nothing was captured.</source>
        <translation>{url} ließ sich nicht erneut laden; es wurde nichts gesichert.</translation>
    </message>
    <message>
        <source>Capturing {url} again…</source>
        <translation>{url} wird erneut gesichert…</translation>
    </message>
    <message>
        <source>Lookups</source>
        <translation>Abfragen</translation>
    </message>
    <message>
        <source>Look up selection</source>
        <translation>Auswahl abfragen</translation>
    </message>
    <message>
        <source>Profile of the text selected on the page, else of the site&apos;s host ({keys})</source>
        <translation>Profil des auf der Seite markierten Texts, sonst des Hosts der Website ({keys})</translation>
    </message>
    <message>
        <source>Look up this site</source>
        <translation>Diese Website abfragen</translation>
    </message>
    <message>
        <source>Profile of this tab&apos;s site: headers, certificate, DNS</source>
        <translation>Profil der Website dieses Tabs: Header, Zertifikat, DNS</translation>
    </message>
    <message>
        <source>Select text on the page, or open a site, to look it up.</source>
        <translation>Markieren Sie Text auf der Seite oder öffnen Sie eine Website, um sie abzufragen.</translation>
    </message>
    <message>
        <source>Open a site first: this tab shows no web address.</source>
        <translation>Öffnen Sie zuerst eine Website: Dieser Tab zeigt keine Webadresse.</translation>
    </message>
    <message>
        <source>Could not load {url}: check the route status.</source>
        <translation>{url} konnte nicht geladen werden: Prüfen Sie den Zustand der Route.</translation>
    </message>
    <message>
        <source>Download {name} kept as evidence: {number}…</source>
        <translation>Download {name} als Beweismittel gesichert: {number}…</translation>
    </message>
    <message>
        <source>Automatic capture is on for this case.</source>
        <translation>Die automatische Sicherung ist für diesen Fall eingeschaltet.</translation>
    </message>
    <message>
        <source>Automatic capture is off for this case.</source>
        <translation>Die automatische Sicherung ist für diesen Fall ausgeschaltet.</translation>
    </message>
    <message>
        <source>Asking the route where {who} comes out…</source>
        <translation>Die Route wird gefragt, wo {who} austritt…</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>{who} comes out at {address}{country}. {detail}</source>
        <translation>{who} tritt bei {address}{country} aus. {detail}</translation>
    </message>
    <message>
        <source>{who} has a new identity: new connections use fresh circuits.</source>
        <translation>{who} hat eine neue Identität: Neue Verbindungen nehmen neue Circuits.</translation>
    </message>
    <message>
        <source>This route cannot give {who} a new identity; the connections were cut.</source>
        <translation>Diese Route kann {who} keine neue Identität geben; die Verbindungen wurden getrennt.</translation>
    </message>
    <message>
        <source>Its cookies and cache were cleared.</source>
        <translation>Cookies und Cache wurden gelöscht.</translation>
    </message>
    <message>
        <source>Clearing the identity&apos;s cookies and cache…</source>
        <translation>Cookies und Cache der Identität werden gelöscht…</translation>
    </message>
    <message>
        <source>The route was stopped: nothing leaves this PC until a route is chosen (Route ▸ Set route…).</source>
        <translation>Die Route wurde angehalten: Bis eine Route gewählt ist, verlässt nichts diesen PC (Route ▸ Route einstellen…).</translation>
    </message>
    <message>
        <source>Creating the case…</source>
        <translation>Der Fall wird angelegt…</translation>
    </message>
    <message>
        <source>Unlocking the case…</source>
        <translation>Der Fall wird entsperrt…</translation>
    </message>
    <message>
        <source>The case passphrase was changed.</source>
        <translation>Die Passphrase des Falls wurde geändert.</translation>
    </message>
    <message>
        <source>Case {name} is open.</source>
        <translation>Fall {name} ist geöffnet.</translation>
    </message>
    <message>
        <source>Case {name} was locked after a period without input. Case ▸ Unlock case… opens it again.</source>
        <translation>Fall {name} wurde nach einer Zeit ohne Eingabe gesperrt. Fall ▸ Fall entsperren… öffnet ihn wieder.</translation>
    </message>
    <message>
        <source>About {name}</source>
        <translation>Über {name}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Version {version}, build {build}&lt;br&gt;Qt WebEngine {webengine}, Chromium {chromium}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Version {version}, Build {build}&lt;br&gt;Qt WebEngine {webengine}, Chromium {chromium}</translation>
    </message>
    <message>
        <source>Case: {name}</source>
        <translation>Fall: {name}</translation>
    </message>
    <message>
        <source>No case open (Case ▸ New case…)</source>
        <translation>Kein Fall geöffnet (Fall ▸ Neuer Fall…)</translation>
    </message>
    <message>
        <source>Open or create a case before taking a snapshot.</source>
        <translation>Öffnen oder legen Sie einen Fall an, bevor Sie eine Seite sichern.</translation>
    </message>
    <message>
        <source>A snapshot is already being taken.</source>
        <translation>Es wird bereits eine Seite gesichert.</translation>
    </message>
    <message>
        <source>This page was not loaded: the route refused it. Nothing to seal.</source>
        <translation>Diese Seite wurde nicht geladen: Die Route hat sie abgewiesen. Es gibt nichts zu versiegeln.</translation>
    </message>
    <message>
        <source>Taking a snapshot…</source>
        <translation>Die Seite wird gesichert…</translation>
    </message>
    <message>
        <source>The case was closed before the snapshot was sealed.</source>
        <translation>Der Fall wurde geschlossen, bevor die Seitensicherung versiegelt war.</translation>
    </message>
    <message>
        <source>Sealing the snapshot…</source>
        <translation>Die Seitensicherung wird versiegelt…</translation>
    </message>
    <message>
        <source>(partial: {warnings})</source>
        <translation>(unvollständig: {warnings})</translation>
    </message>
    <message>
        <source>Sealed. Control number {number}{note}</source>
        <translation>Versiegelt. Kontrollnummer {number}{note}</translation>
    </message>
    <message>
        <source>timestamped</source>
        <translation>mit Zeitstempel versehen</translation>
    </message>
    <message>
        <source>timestamp queued (authority unreachable; retried later)</source>
        <translation>Zeitstempel vorgemerkt (Zeitstempeldienst nicht erreichbar; neuer Versuch später)</translation>
    </message>
    <message>
        <source>timestamp failed: {reason}</source>
        <translation>Zeitstempel fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Control number {number}: {status}</source>
        <translation>Kontrollnummer {number}: {status}</translation>
    </message>
    <message>
        <source>Snapshot cancelled; nothing was sealed.</source>
        <translation>Seitensicherung abgebrochen; nichts wurde versiegelt.</translation>
    </message>
    <message>
        <source>Snapshot failed: {reason}</source>
        <translation>Seitensicherung fehlgeschlagen: {reason}</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>The latest problem</source>
        <translation>Das letzte Problem</translation>
    </message>
    <message>
        <source>All messages…</source>
        <translation>Alle Meldungen…</translation>
    </message>
    <message>
        <source>Show all messages</source>
        <translation>Alle Meldungen anzeigen</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ausblenden</translation>
    </message>
    <message>
        <source>Dismiss the problem</source>
        <translation>Das Problem ausblenden</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Meldungen</translation>
    </message>
    <message>
        <source>Messages shown so far</source>
        <translation>Bisher angezeigte Meldungen</translation>
    </message>
    <message>
        <source>No messages yet.</source>
        <translation>Noch keine Meldungen.</translation>
    </message>
</context>
<context>
    <name>OutputJob</name>
    <message>
        <source>{job} cancelled; nothing was kept.</source>
        <translation>{job} abgebrochen; es wurde nichts behalten.</translation>
    </message>
    <message>
        <source>{job} did not finish; nothing usable was kept.</source>
        <translation>{job} wurde nicht abgeschlossen; nichts Verwertbares wurde behalten.</translation>
    </message>
</context>
<context>
    <name>PackageDialog</name>
    <message>
        <source>Redacted disclosure copy</source>
        <translation>Geschwärzte Offenlegungskopie</translation>
    </message>
    <message>
        <source>Evidence package</source>
        <translation>Beweismittelpaket</translation>
    </message>
    <message>
        <source>Destination folder</source>
        <translation>Zielordner</translation>
    </message>
    <message>
        <source>A new or empty folder; it is created if it does not exist</source>
        <translation>Ein neuer oder leerer Ordner; er wird angelegt, wenn es ihn nicht gibt</translation>
    </message>
    <message>
        <source>Choose the destination folder</source>
        <translation>Zielordner wählen</translation>
    </message>
    <message>
        <source>Exhibits to include</source>
        <translation>Aufzunehmende Asservate</translation>
    </message>
    <message>
        <source>This case has no exhibits yet.</source>
        <translation>Dieser Fall hat noch keine Asservate.</translation>
    </message>
    <message>
        <source>Also write a .zip archive of the folder</source>
        <translation>Zusätzlich ein .zip-Archiv des Ordners schreiben</translation>
    </message>
    <message>
        <source>Also write a .zip archive</source>
        <translation>Zusätzlich ein .zip-Archiv schreiben</translation>
    </message>
    <message>
        <source>Include the report as PDF (report.html is always included)</source>
        <translation>Den Bericht als PDF beilegen (report.html liegt immer bei)</translation>
    </message>
    <message>
        <source>Include the report as PDF</source>
        <translation>Den Bericht als PDF beilegen</translation>
    </message>
    <message>
        <source>Withhold the contact log&apos;s content (time, persona, channel and direction stay)</source>
        <translation>Den Inhalt des Kontaktprotokolls zurückhalten (Zeit, Legende, Kanal und Richtung bleiben)</translation>
    </message>
    <message>
        <source>Withhold the contact log&apos;s content</source>
        <translation>Den Inhalt des Kontaktprotokolls zurückhalten</translation>
    </message>
    <message>
        <source>Personas to withhold</source>
        <translation>Zurückzuhaltende Legenden</translation>
    </message>
    <message>
        <source>This case has no personas.</source>
        <translation>Dieser Fall hat keine Legenden.</translation>
    </message>
    <message>
        <source>Exhibits to withhold</source>
        <translation>Zurückzuhaltende Asservate</translation>
    </message>
    <message>
        <source>No exhibits.</source>
        <translation>Keine Asservate.</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Exhibits</source>
        <translation>Asservate</translation>
    </message>
    <message>
        <source>Withhold from the copy</source>
        <translation>Aus der Kopie zurückhalten</translation>
    </message>
    <message>
        <source>Withheld items are left out; the Merkle root and the signed audit head stay the same, and withheld audit events keep only their hash. Whatever names a withheld persona is withheld with it.</source>
        <translation>Zurückgehaltenes wird weggelassen; die Merkle-Wurzel und der signierte Stand des Audit-Protokolls bleiben gleich, und zurückgehaltene Protokolleinträge behalten nur ihren Hashwert. Alles, was eine zurückgehaltene Legende nennt, wird mit ihr zurückgehalten.</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Legenden</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Folder for the package (new or empty)</source>
        <translation>Ordner für das Paket (neu oder leer)</translation>
    </message>
    <message>
        <source>Choose a folder for the package.</source>
        <translation>Wählen Sie einen Ordner für das Paket.</translation>
    </message>
    <message>
        <source>{archive} already exists; choose another folder name.</source>
        <translation>{archive} gibt es bereits; wählen Sie einen anderen Ordnernamen.</translation>
    </message>
    <message>
        <source>Choose what to withhold (the contact log&apos;s content, personas or exhibits), or export the evidence package instead.</source>
        <translation>Wählen Sie, was zurückgehalten wird (Inhalt des Kontaktprotokolls, Legenden oder Asservate), oder exportieren Sie stattdessen das Beweismittelpaket.</translation>
    </message>
    <message>
        <source>Gathering the case for the package…</source>
        <translation>Der Fall wird für das Paket zusammengestellt…</translation>
    </message>
    <message>
        <source>{job}: started.</source>
        <translation>{job}: begonnen.</translation>
    </message>
    <message>
        <source>{kind} written to {folder} ({files} files).</source>
        <translation>{kind} nach {folder} geschrieben ({files} Dateien).</translation>
    </message>
    <message>
        <source>{kind} written, with problems: see below.</source>
        <translation>{kind} geschrieben, mit Problemen: siehe unten.</translation>
    </message>
    <message>
        <source>{kind} written.</source>
        <translation>{kind} geschrieben.</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archiv</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Merkle root</source>
        <translation>Merkle-Wurzel</translation>
    </message>
    <message>
        <source>{root} ({shown} of {leaves} items disclosed)</source>
        <translation>{root} ({shown} von {leaves} Einträgen offengelegt)</translation>
    </message>
    <message>
        <source>Audit head</source>
        <translation>Signierter Protokollstand</translation>
    </message>
    <message>
        <source>event {seq}, {hash}</source>
        <translation>Eintrag {seq}, {hash}</translation>
    </message>
    <message>
        <source>SHA256SUMS</source>
        <translation>Prüfsummendatei SHA256SUMS</translation>
    </message>
    <message>
        <source>SHA-256 {digest}</source>
        <translation>SHA-256-Prüfsumme {digest}</translation>
    </message>
    <message>
        <source>Withheld</source>
        <translation>Zurückgehalten</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>Hinweis: {note}</translation>
    </message>
    <message>
        <source>Problem: {problem}</source>
        <translation>Fehler: {problem}</translation>
    </message>
    <message>
        <source>Check it with: sha256sum -c SHA256SUMS, or python3 verify_package.py (README.txt).</source>
        <translation>Prüfen mit: sha256sum -c SHA256SUMS oder python3 verify_package.py (README.txt).</translation>
    </message>
    <message>
        <source>personas</source>
        <translation>Legenden</translation>
    </message>
    <message>
        <source>exhibits</source>
        <translation>Asservate</translation>
    </message>
    <message>
        <source>contact entries</source>
        <translation>Kontakteinträge</translation>
    </message>
    <message>
        <source>contact entries&apos; content</source>
        <translation>Inhalt der Kontakteinträge</translation>
    </message>
    <message>
        <source>saved lookups</source>
        <translation>gespeicherte Abfragen</translation>
    </message>
    <message>
        <source>audit events&apos; details</source>
        <translation>Einzelheiten der Protokolleinträge</translation>
    </message>
</context>
<context>
    <name>PageMenu</name>
    <message>
        <source>Page menu</source>
        <translation>Seitenmenü</translation>
    </message>
    <message>
        <source>Save image into the case</source>
        <translation>Bild im Fall sichern</translation>
    </message>
    <message>
        <source>Look up “{text}”</source>
        <translation>„{text}“ abfragen</translation>
    </message>
    <message>
        <source>Add to contact log…</source>
        <translation>Ins Kontaktprotokoll aufnehmen…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Look up link</source>
        <translation>Link abfragen</translation>
    </message>
    <message>
        <source>Open link in new tab (same identity)</source>
        <translation>Link in neuem Tab öffnen (gleiche Identität)</translation>
    </message>
    <message>
        <source>Copy link address</source>
        <translation>Linkadresse kopieren</translation>
    </message>
    <message>
        <source>Open or create a case first.</source>
        <translation>Öffnen oder legen Sie zuerst einen Fall an.</translation>
    </message>
    <message>
        <source>Add a persona first: every contact is made under one.</source>
        <translation>Legen Sie zuerst eine Legende an: Jeder Kontakt läuft unter einer Legende.</translation>
    </message>
</context>
<context>
    <name>PassphrasePrompt</name>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Passphrase wiederholen</translation>
    </message>
    <message>
        <source>Type the passphrase.</source>
        <translation>Geben Sie die Passphrase ein.</translation>
    </message>
    <message>
        <source>The passphrase needs at least {count} characters.</source>
        <translation>Die Passphrase braucht mindestens {count} Zeichen.</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Die beiden Passphrasen stimmen nicht überein.</translation>
    </message>
    <message>
        <source>Protect this workstation&apos;s keys</source>
        <translation>Schlüssel dieses Arbeitsplatzes schützen</translation>
    </message>
    <message>
        <source>This PC has no usable keyring, so this workstation&apos;s new keys are protected by a passphrase. Choose one and keep it safe: transfers need it.</source>
        <translation>Dieser PC hat keinen nutzbaren Schlüsselbund, deshalb werden die neuen Schlüssel dieses Arbeitsplatzes durch eine Passphrase geschützt. Wählen Sie eine und bewahren Sie sie sicher auf: Übermittlungen brauchen sie.</translation>
    </message>
    <message>
        <source>Unlock this workstation&apos;s keys</source>
        <translation>Schlüssel dieses Arbeitsplatzes entsperren</translation>
    </message>
    <message>
        <source>The passphrase of this workstation&apos;s keys (this PC has no keyring).</source>
        <translation>Die Passphrase der Schlüssel dieses Arbeitsplatzes (dieser PC hat keinen Schlüsselbund).</translation>
    </message>
    <message>
        <source>Passphrase of the transfer</source>
        <translation>Passphrase der Übermittlung</translation>
    </message>
    <message>
        <source>This transfer is protected by a passphrase. Type the one the sender gave you.</source>
        <translation>Diese Übermittlung ist durch eine Passphrase geschützt. Geben Sie die ein, die Ihnen der Absender genannt hat.</translation>
    </message>
    <message>
        <source>No passphrase was given; nothing was done.</source>
        <translation>Es wurde keine Passphrase eingegeben; es ist nichts geschehen.</translation>
    </message>
</context>
<context>
    <name>PdfBridge</name>
    <message>
        <source>Printing the report to PDF…</source>
        <translation>Der Bericht wird als PDF gedruckt…</translation>
    </message>
    <message>
        <source>Printing the report to PDF</source>
        <translation>Den Bericht als PDF drucken</translation>
    </message>
    <message>
        <source>The PDF could not be made: {reason}.</source>
        <translation>Das PDF konnte nicht erstellt werden: {reason}.</translation>
    </message>
</context>
<context>
    <name>PersonaBar</name>
    <message>
        <source>No persona</source>
        <translation>Keine Legende</translation>
    </message>
    <message>
        <source>Browsing as</source>
        <translation>Unterwegs als</translation>
    </message>
    <message>
        <source>Browsing as persona</source>
        <translation>Unterwegs als Legende</translation>
    </message>
    <message>
        <source>Choosing another persona opens a new tab as that persona</source>
        <translation>Eine andere Legende zu wählen öffnet einen neuen Tab unter dieser Legende</translation>
    </message>
</context>
<context>
    <name>Personas</name>
    <message>
        <source>New persona</source>
        <translation>Neue Legende</translation>
    </message>
    <message>
        <source>Alias</source>
        <translation>Deckname</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>One per line, platform:handle (e.g. telegram:@quickpills)</source>
        <translation>Eines je Zeile, Plattform:Nutzername (z. B. telegram:@quickpills)</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Legenden</translation>
    </message>
    <message>
        <source>The undercover identities of the case</source>
        <translation>Die verdeckten Identitäten des Falls</translation>
    </message>
    <message>
        <source>Add persona…</source>
        <translation>Legende anlegen…</translation>
    </message>
    <message>
        <source>Retire</source>
        <translation>Stilllegen</translation>
    </message>
    <message>
        <source>Retire the selected persona</source>
        <translation>Die ausgewählte Legende stilllegen</translation>
    </message>
    <message>
        <source>The persona stays in the record but is no longer offered</source>
        <translation>Die Legende bleibt in der Akte, wird aber nicht mehr angeboten</translation>
    </message>
    <message>
        <source>No personas yet.</source>
        <translation>Noch keine Legenden.</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <source>The action could not be completed.</source>
        <translation>Der Vorgang konnte nicht abgeschlossen werden.</translation>
    </message>
    <message>
        <source>The passphrase does not open this case. Check Caps Lock and the keyboard layout, then try again.</source>
        <translation>Die Passphrase öffnet diesen Fall nicht. Prüfen Sie die Feststelltaste und das Tastaturlayout und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The case file is damaged or has been altered. Do not go on working in it: keep a copy and tell your technical contact.</source>
        <translation>Die Fallakte ist beschädigt oder wurde verändert. Arbeiten Sie nicht darin weiter: Bewahren Sie eine Kopie auf und wenden Sie sich an Ihre technische Ansprechperson.</translation>
    </message>
    <message>
        <source>There is no case at that place. Choose the case file again.</source>
        <translation>An diesem Ort gibt es keinen Fall. Wählen Sie die Fallakte erneut.</translation>
    </message>
    <message>
        <source>A case already exists there and was left untouched. Choose another name or folder.</source>
        <translation>Dort gibt es bereits einen Fall; er blieb unverändert. Wählen Sie einen anderen Namen oder Ordner.</translation>
    </message>
    <message>
        <source>This case was made by a newer version of the workstation. Install that version to open it.</source>
        <translation>Dieser Fall wurde mit einer neueren Version der Workstation angelegt. Installieren Sie diese Version, um ihn zu öffnen.</translation>
    </message>
    <message>
        <source>The case could not be read or written.</source>
        <translation>Der Fall konnte nicht gelesen oder geschrieben werden.</translation>
    </message>
    <message>
        <source>No route out is set up, so nothing was sent. Choose a route in the Route menu.</source>
        <translation>Es ist keine Route nach außen eingerichtet; es wurde nichts gesendet. Wählen Sie eine Route im Menü Route.</translation>
    </message>
    <message>
        <source>The proxy refused the login. Check the user name and password in the route settings.</source>
        <translation>Der Proxy hat die Anmeldung abgelehnt. Prüfen Sie Benutzername und Passwort in den Einstellungen der Route.</translation>
    </message>
    <message>
        <source>The route is not working, so nothing was sent. Test the route in the settings or choose another one.</source>
        <translation>Die Route funktioniert nicht; es wurde nichts gesendet. Testen Sie die Route in den Einstellungen oder wählen Sie eine andere.</translation>
    </message>
    <message>
        <source>The route works, but the site could not be reached through it. Check the address, or try again later or through another exit.</source>
        <translation>Die Route funktioniert, aber die Website war darüber nicht erreichbar. Prüfen Sie die Adresse oder versuchen Sie es später oder über einen anderen Ausgang erneut.</translation>
    </message>
    <message>
        <source>The route refused the connection.</source>
        <translation>Die Route hat die Verbindung abgelehnt.</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was kept of the unfinished work.</source>
        <translation>Abgebrochen. Von der unfertigen Arbeit wurde nichts behalten.</translation>
    </message>
    <message>
        <source>The PDF could not be made. Try again.</source>
        <translation>Das PDF konnte nicht erstellt werden. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The capture could not be made; nothing was sealed.</source>
        <translation>Die Sicherung konnte nicht erstellt werden; es wurde nichts versiegelt.</translation>
    </message>
    <message>
        <source>A lookup cannot take that. Enter a domain, IP address, e-mail address, URL, phone or AS number.</source>
        <translation>Damit kann eine Abfrage nichts anfangen. Geben Sie eine Domain, IP-Adresse, E-Mail-Adresse, URL, Telefon- oder AS-Nummer ein.</translation>
    </message>
    <message>
        <source>Something entered is not valid.</source>
        <translation>Eine Eingabe ist nicht gültig.</translation>
    </message>
    <message>
        <source>The lookup got no usable answer. Try again later or another source.</source>
        <translation>Die Abfrage erhielt keine verwertbare Antwort. Versuchen Sie es später erneut oder mit einer anderen Quelle.</translation>
    </message>
    <message>
        <source>The timestamp authority could not be reached. The evidence is sealed; the timestamp is asked for again every few minutes while the case is open.</source>
        <translation>Der Zeitstempeldienst war nicht erreichbar. Das Beweismittel ist versiegelt; der Zeitstempel wird alle paar Minuten erneut angefordert, solange der Fall geöffnet ist.</translation>
    </message>
    <message>
        <source>The timestamp could not be checked or added.</source>
        <translation>Der Zeitstempel konnte nicht geprüft oder hinzugefügt werden.</translation>
    </message>
    <message>
        <source>The transfer was rejected and nothing was added to any case. Ask the sender for a new one.</source>
        <translation>Die Übermittlung wurde abgewiesen; keinem Fall wurde etwas hinzugefügt. Bitten Sie den Absender um eine neue.</translation>
    </message>
    <message>
        <source>The package archive was refused; nothing was unpacked.</source>
        <translation>Das Paketarchiv wurde abgewiesen; es wurde nichts entpackt.</translation>
    </message>
    <message>
        <source>The package could not be made; nothing was left behind.</source>
        <translation>Das Paket konnte nicht erstellt werden; es blieb nichts zurück.</translation>
    </message>
    <message>
        <source>The export could not be made.</source>
        <translation>Der Export konnte nicht erstellt werden.</translation>
    </message>
    <message>
        <source>The workstation&apos;s keys could not be used.</source>
        <translation>Die Schlüssel der Workstation konnten nicht verwendet werden.</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Final report</source>
        <translation>Abschlussbericht</translation>
    </message>
    <message>
        <source>Report file</source>
        <translation>Berichtsdatei</translation>
    </message>
    <message>
        <source>A new file ending in .pdf or .html; nothing is replaced</source>
        <translation>Eine neue Datei mit der Endung .pdf oder .html; nichts wird ersetzt</translation>
    </message>
    <message>
        <source>Choose the report file</source>
        <translation>Berichtsdatei wählen</translation>
    </message>
    <message>
        <source>Exhibits in the report</source>
        <translation>Asservate im Bericht</translation>
    </message>
    <message>
        <source>This case has no exhibits yet.</source>
        <translation>Dieser Fall hat noch keine Asservate.</translation>
    </message>
    <message>
        <source>Contact log in redacted form (time, persona, channel, direction and hash only)</source>
        <translation>Kontaktprotokoll in geschwärzter Form (nur Zeit, Legende, Kanal, Richtung und Hash)</translation>
    </message>
    <message>
        <source>Contact log in redacted form</source>
        <translation>Kontaktprotokoll in geschwärzter Form</translation>
    </message>
    <message>
        <source>Personas to withhold</source>
        <translation>Zurückzuhaltende Legenden</translation>
    </message>
    <message>
        <source>This case has no personas.</source>
        <translation>Dieser Fall hat keine Legenden.</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Exhibits</source>
        <translation>Asservate</translation>
    </message>
    <message>
        <source>Withhold</source>
        <translation>Zurückhalten</translation>
    </message>
    <message>
        <source>Make the report</source>
        <translation>Bericht erstellen</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;HTML (*.html)</source>
        <translation>PDF-Dokument (*.pdf);;HTML-Seite (*.html)</translation>
    </message>
    <message>
        <source>The report&apos;s file name must end in .pdf or .html.</source>
        <translation>Der Dateiname des Berichts muss auf .pdf oder .html enden.</translation>
    </message>
    <message>
        <source>{path} already exists; choose another name (nothing is replaced).</source>
        <translation>{path} existiert bereits; bitte einen anderen Namen wählen (nichts wird ersetzt).</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist.</source>
        <translation>Der Ordner {folder} existiert nicht.</translation>
    </message>
    <message>
        <source>Tick at least one exhibit.</source>
        <translation>Mindestens ein Asservat ankreuzen.</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <source>Details</source>
        <translation>Einzelheiten</translation>
    </message>
</context>
<context>
    <name>RouteIndicator</name>
    <message>
        <source>Route start-up</source>
        <translation>Start der Route</translation>
    </message>
    <message>
        <source>What the route is doing</source>
        <translation>Was die Route gerade tut</translation>
    </message>
    <message>
        <source>How far the route has started</source>
        <translation>Wie weit die Route gestartet ist</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Stop starting the route</source>
        <translation>Start der Route anhalten</translation>
    </message>
    <message>
        <source>Stop starting this route; nothing leaves the PC until a route is chosen</source>
        <translation>Start dieser Route anhalten; bis eine Route gewählt ist, verlässt nichts den PC</translation>
    </message>
    <message>
        <source>Route status</source>
        <translation>Zustand der Route</translation>
    </message>
    <message>
        <source>Route: checking…</source>
        <translation>Route: wird geprüft…</translation>
    </message>
    <message>
        <source>Route: {route}</source>
        <translation>Route: {route}</translation>
    </message>
    <message>
        <source>Route down: nothing can load</source>
        <translation>Route ausgefallen: Nichts kann laden</translation>
    </message>
    <message>
        <source>No route out: pages will not load</source>
        <translation>Keine Route nach draußen: Seiten laden nicht</translation>
    </message>
    <message>
        <source>No route is configured. Nothing leaves this PC until one is set (Route menu).</source>
        <translation>Es ist keine Route eingestellt. Nichts verlässt diesen PC, bis eine eingestellt ist (Menü Route).</translation>
    </message>
    <message>
        <source>Route down: {route}</source>
        <translation>Route ausgefallen: {route}</translation>
    </message>
    <message>
        <source>Route check failed</source>
        <translation>Prüfung der Route fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>RoutePane</name>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Route state</source>
        <translation>Zustand der Route</translation>
    </message>
    <message>
        <source>Route details</source>
        <translation>Einzelheiten der Route</translation>
    </message>
    <message>
        <source>Requests through the route</source>
        <translation>Anfragen über die Route</translation>
    </message>
    <message>
        <source>Where each identity came out</source>
        <translation>Wo jede Identität herauskam</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identität</translation>
    </message>
    <message>
        <source>Comes out at</source>
        <translation>Kommt heraus bei</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Land</translation>
    </message>
    <message>
        <source>Learned through</source>
        <translation>Ermittelt über</translation>
    </message>
    <message>
        <source>Asked (UTC)</source>
        <translation>Gefragt (UTC)</translation>
    </message>
    <message>
        <source>Requests the route refused</source>
        <translation>Von der Route abgewiesene Anfragen</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>refused: not allowed</source>
        <translation>abgewiesen: nicht erlaubt</translation>
    </message>
    <message>
        <source>the route failed</source>
        <translation>die Route versagte</translation>
    </message>
    <message>
        <source>Since the start: {forwarded} requests through the route, {refused} refused.</source>
        <translation>Seit dem Start: {forwarded} Anfragen über die Route, {refused} abgewiesen.</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>{what}: {path} does not exist.</source>
        <translation>{what}: {path} gibt es nicht.</translation>
    </message>
    <message>
        <source>{what}: {path} is a folder, not a file.</source>
        <translation>{what}: {path} ist ein Ordner, keine Datei.</translation>
    </message>
    <message>
        <source>{what}: {path} is not a program that can be run.</source>
        <translation>{what}: {path} ist kein ausführbares Programm.</translation>
    </message>
    <message>
        <source>{what} must be a web address starting with http:// or https://.</source>
        <translation>{what} muss eine Webadresse sein, die mit http:// oder https:// beginnt.</translation>
    </message>
    <message>
        <source>Auto-lock takes whole minutes from {low} to {high}.</source>
        <translation>Die automatische Sperre nimmt ganze Minuten von {low} bis {high}.</translation>
    </message>
    <message>
        <source>The longest page takes whole pixels from {low} to {high}.</source>
        <translation>Die längste Seite nimmt ganze Pixel von {low} bis {high}.</translation>
    </message>
    <message>
        <source>Choose a folder for the cases.</source>
        <translation>Wählen Sie einen Ordner für die Fälle.</translation>
    </message>
    <message>
        <source>{path} is a file, not a folder.</source>
        <translation>{path} ist eine Datei, kein Ordner.</translation>
    </message>
    <message>
        <source>{path} cannot be made: {parent} does not exist.</source>
        <translation>{path} kann nicht angelegt werden: {parent} gibt es nicht.</translation>
    </message>
    <message>
        <source>The route works. Sites see {address}{country}, via {via}.</source>
        <translation>Die Route funktioniert. Websites sehen {address}{country}, über {via}.</translation>
    </message>
    <message>
        <source>The route works ({via}). {detail}</source>
        <translation>Die Route funktioniert ({via}). {detail}</translation>
    </message>
    <message>
        <source>No route is set.</source>
        <translation>Es ist keine Route eingestellt.</translation>
    </message>
    <message>
        <source>Managed Tor (recommended)</source>
        <translation>Verwaltetes Tor (empfohlen)</translation>
    </message>
    <message>
        <source>Route: managed Tor</source>
        <translation>Route: verwaltetes Tor</translation>
    </message>
    <message>
        <source>A proxy of the unit</source>
        <translation>Ein Proxy der Dienststelle</translation>
    </message>
    <message>
        <source>Route: a proxy</source>
        <translation>Route: ein Proxy</translation>
    </message>
    <message>
        <source>Proxy URL</source>
        <translation>Proxy-URL</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Proxy-Passwort</translation>
    </message>
    <message>
        <source>only if the proxy asks for a login (USER@ in the URL)</source>
        <translation>nur wenn der Proxy eine Anmeldung verlangt (USER@ in der URL)</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Route problem</source>
        <translation>Problem mit der Route</translation>
    </message>
    <message>
        <source>Test route</source>
        <translation>Route testen</translation>
    </message>
    <message>
        <source>Bring the route up and show where it comes out</source>
        <translation>Die Route aufbauen und zeigen, wo sie austritt</translation>
    </message>
    <message>
        <source>Route test result</source>
        <translation>Ergebnis des Routentests</translation>
    </message>
    <message>
        <source>Type the proxy&apos;s address, e.g. socks5://10.1.2.3:1080.</source>
        <translation>Geben Sie die Adresse des Proxys ein, z. B. socks5://10.1.2.3:1080.</translation>
    </message>
    <message>
        <source>A password needs a user: write the proxy&apos;s address as socks5://USER@HOST:PORT (or http://USER@HOST:PORT).</source>
        <translation>Ein Passwort braucht einen Benutzer: Schreiben Sie die Adresse des Proxys als socks5://USER@HOST:PORT (oder http://USER@HOST:PORT).</translation>
    </message>
    <message>
        <source>Testing the route… (managed Tor may need a minute to start)</source>
        <translation>Die Route wird getestet… (das verwaltete Tor braucht zum Start eventuell eine Minute)</translation>
    </message>
    <message>
        <source>The route does not work: {reason}</source>
        <translation>Die Route funktioniert nicht: {reason}</translation>
    </message>
    <message>
        <source>Everything leaves through this route, and nothing without it. A unit&apos;s proxy is written socks5://HOST:PORT or http://HOST:PORT (USER@HOST:PORT with a login, the password in its own field); tor+socks5://… and tor+http://… reach the proxy through Tor.</source>
        <translation>Alles verlässt den PC über diese Route und nichts ohne sie. Einen Proxy der Dienststelle schreiben Sie socks5://HOST:PORT oder http://HOST:PORT (mit Anmeldung USER@HOST:PORT, das Passwort in seinem eigenen Feld); tor+socks5://… und tor+http://… erreichen den Proxy über Tor.</translation>
    </message>
    <message>
        <source>{name}: problem</source>
        <translation>{name}: Problem</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Browse for {name}</source>
        <translation>{name} suchen</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Translation in progress</source>
        <translation>Übersetzung in Arbeit</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Farbschema</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Settings problem</source>
        <translation>Problem in den Einstellungen</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>Ermittler</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Dienststelle</translation>
    </message>
    <message>
        <source>Cases folder</source>
        <translation>Ordner für Fälle</translation>
    </message>
    <message>
        <source>Lock an open case after</source>
        <translation>Einen offenen Fall sperren nach</translation>
    </message>
    <message>
        <source>Auto-lock on</source>
        <translation>Automatische Sperre an</translation>
    </message>
    <message>
        <source>Auto-lock minutes</source>
        <translation>Minuten bis zur automatischen Sperre</translation>
    </message>
    <message>
        <source>Tor program</source>
        <translation>Tor-Programm</translation>
    </message>
    <message>
        <source>the bundled or system tor</source>
        <translation>das mitgelieferte oder das tor des Systems</translation>
    </message>
    <message>
        <source>Extra torrc file</source>
        <translation>Zusätzliche torrc-Datei</translation>
    </message>
    <message>
        <source>e.g. bridges; optional</source>
        <translation>z. B. Bridges; freiwillig</translation>
    </message>
    <message>
        <source>Address echo URL</source>
        <translation>URL des Adress-Echos</translation>
    </message>
    <message>
        <source>the unit&apos;s “what is my address” service; optional</source>
        <translation>der „Wie ist meine Adresse“-Dienst der Dienststelle; freiwillig</translation>
    </message>
    <message>
        <source>Timestamp authority URL</source>
        <translation>URL des Zeitstempeldienstes</translation>
    </message>
    <message>
        <source>The timestamp authority URL</source>
        <translation>Die URL des Zeitstempeldienstes</translation>
    </message>
    <message>
        <source>RFC 3161 service; optional</source>
        <translation>Dienst nach RFC 3161; freiwillig</translation>
    </message>
    <message>
        <source>Timestamp authority certificate</source>
        <translation>Zertifikat des Zeitstempeldienstes</translation>
    </message>
    <message>
        <source>Extra trusted CA file</source>
        <translation>Zusätzliche vertrauenswürdige CA-Datei</translation>
    </message>
    <message>
        <source>the unit&apos;s own PKI; optional</source>
        <translation>die eigene PKI der Dienststelle; freiwillig</translation>
    </message>
    <message>
        <source>Screenshot</source>
        <translation>Bildschirmfoto</translation>
    </message>
    <message>
        <source>The whole page (scrolled through once)</source>
        <translation>Die ganze Seite (einmal durchgescrollt)</translation>
    </message>
    <message>
        <source>Only what is on screen (nothing is scrolled)</source>
        <translation>Nur was auf dem Bildschirm ist (es wird nicht gescrollt)</translation>
    </message>
    <message>
        <source>Longest page in pixels</source>
        <translation>Längste Seite in Pixeln</translation>
    </message>
    <message>
        <source>Capture every page visited in new cases</source>
        <translation>In neuen Fällen jede besuchte Seite sichern</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>Bereiche der Einstellungen</translation>
    </message>
    <message>
        <source>minutes without input</source>
        <translation>Minuten ohne Eingabe</translation>
    </message>
    <message>
        <source>Auto-lock</source>
        <translation>Automatische Sperre</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Dem System folgen</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>TSA certificate</source>
        <translation>TSA-Zertifikat</translation>
    </message>
    <message>
        <source>Longest page (pixels)</source>
        <translation>Längste Seite (Pixel)</translation>
    </message>
    <message>
        <source>A new CA file or language applies from the next start.</source>
        <translation>Eine neue CA-Datei oder Sprache gilt ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>New cases</source>
        <translation>Neue Fälle</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Beweismittel</translation>
    </message>
    <message>
        <source>Fix this first: {problem}</source>
        <translation>Bitte zuerst beheben: {problem}</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Einstellungen gespeichert.</translation>
    </message>
    <message>
        <source>The CA file and language apply from the next start.</source>
        <translation>CA-Datei und Sprache gelten ab dem nächsten Start.</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Browsing</source>
        <translation>Surfen</translation>
    </message>
    <message>
        <source>Case and evidence</source>
        <translation>Fall und Beweismittel</translation>
    </message>
    <message>
        <source>Lookups</source>
        <translation>Abfragen</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Arbeitsplatz</translation>
    </message>
    <message>
        <source>New tab</source>
        <translation>Neuer Tab</translation>
    </message>
    <message>
        <source>Open a tab as the same identity as the current one</source>
        <translation>Einen Tab mit derselben Identität wie der aktuelle öffnen</translation>
    </message>
    <message>
        <source>Close tab</source>
        <translation>Tab schließen</translation>
    </message>
    <message>
        <source>Close the current tab</source>
        <translation>Den aktuellen Tab schließen</translation>
    </message>
    <message>
        <source>Address bar</source>
        <translation>Adressleiste</translation>
    </message>
    <message>
        <source>Select the address bar to type a web address</source>
        <translation>Die Adressleiste wählen, um eine Webadresse einzugeben</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Load the current page again</source>
        <translation>Die aktuelle Seite neu laden</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Go to the previous page of this tab</source>
        <translation>Zur vorigen Seite dieses Tabs</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>Vorwärts</translation>
    </message>
    <message>
        <source>Go to the next page of this tab</source>
        <translation>Zur nächsten Seite dieses Tabs</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Seite sichern</translation>
    </message>
    <message>
        <source>Seal the whole page into the case as evidence</source>
        <translation>Die ganze Seite als Beweismittel versiegelt im Fall sichern</translation>
    </message>
    <message>
        <source>New contact entry</source>
        <translation>Neuer Kontakteintrag</translation>
    </message>
    <message>
        <source>Record an exchange with a counterpart in the contact log</source>
        <translation>Einen Austausch mit einem Gegenüber im Kontaktprotokoll festhalten</translation>
    </message>
    <message>
        <source>New case</source>
        <translation>Neuer Fall</translation>
    </message>
    <message>
        <source>Create an encrypted case</source>
        <translation>Einen verschlüsselten Fall anlegen</translation>
    </message>
    <message>
        <source>Open case</source>
        <translation>Fall öffnen</translation>
    </message>
    <message>
        <source>Open an existing case</source>
        <translation>Einen vorhandenen Fall öffnen</translation>
    </message>
    <message>
        <source>Lock case</source>
        <translation>Fall sperren</translation>
    </message>
    <message>
        <source>Close the case now; its passphrase opens it again</source>
        <translation>Den Fall sofort schließen; seine Passphrase öffnet ihn wieder</translation>
    </message>
    <message>
        <source>Look up selection</source>
        <translation>Auswahl abfragen</translation>
    </message>
    <message>
        <source>Profile of the text selected on the page, else of the site&apos;s host</source>
        <translation>Profil des auf der Seite markierten Texts, sonst des Hosts der Website</translation>
    </message>
    <message>
        <source>Look up this site</source>
        <translation>Diese Website abfragen</translation>
    </message>
    <message>
        <source>Headers, certificate and DNS of the current tab&apos;s site</source>
        <translation>Header, Zertifikat und DNS der Website des aktuellen Tabs</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Route, officer, timestamps, auto-lock and more</source>
        <translation>Route, Ermittler, Zeitstempel, automatische Sperre und mehr</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Show this list</source>
        <translation>Diese Liste zeigen</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>What it does</source>
        <translation>Was sie bewirkt</translation>
    </message>
    <message>
        <source>Filter: type part of an action or a key</source>
        <translation>Filter: Teil einer Aktion oder Taste eingeben</translation>
    </message>
    <message>
        <source>Filter shortcuts</source>
        <translation>Tastenkürzel filtern</translation>
    </message>
    <message>
        <source>Shortcuts work anywhere in the main window.</source>
        <translation>Die Tastenkürzel wirken überall im Hauptfenster.</translation>
    </message>
    <message>
        <source>Shortcut list</source>
        <translation>Liste der Tastenkürzel</translation>
    </message>
</context>
<context>
    <name>Snapshot</name>
    <message>
        <source>the page did not finish rendering in time</source>
        <translation>die Seite wurde nicht rechtzeitig fertig dargestellt</translation>
    </message>
    <message>
        <source>the page navigated to another address while it was being captured; nothing was sealed (capture it again once it has settled)</source>
        <translation>die Seite wechselte während der Sicherung zu einer anderen Adresse; nichts wurde versiegelt (sichern Sie sie erneut, sobald sie zur Ruhe gekommen ist)</translation>
    </message>
    <message>
        <source>the snapshot was cancelled; nothing was sealed</source>
        <translation>die Seitensicherung wurde abgebrochen; nichts wurde versiegelt</translation>
    </message>
    <message>
        <source>the page could not be measured (is it still loading?)</source>
        <translation>die Seite konnte nicht vermessen werden (lädt sie noch?)</translation>
    </message>
    <message>
        <source>the page did not report where it scrolled to</source>
        <translation>die Seite meldete nicht, wohin sie gescrollt hat</translation>
    </message>
</context>
<context>
    <name>SnapshotProgress</name>
    <message>
        <source>Scrolling through the page…</source>
        <translation>Die Seite wird einmal durchgeblättert…</translation>
    </message>
    <message>
        <source>Taking the screenshot…</source>
        <translation>Das Bildschirmfoto wird aufgenommen…</translation>
    </message>
    <message>
        <source>Saving the page&apos;s HTML…</source>
        <translation>Das HTML der Seite wird gesichert…</translation>
    </message>
    <message>
        <source>Saving the visible text…</source>
        <translation>Der sichtbare Text wird gesichert…</translation>
    </message>
    <message>
        <source>Printing the page to PDF…</source>
        <translation>Die Seite wird als PDF gedruckt…</translation>
    </message>
    <message>
        <source>Saving the page as MHTML…</source>
        <translation>Die Seite wird als MHTML gesichert…</translation>
    </message>
    <message>
        <source>Finishing the snapshot…</source>
        <translation>Die Seitensicherung wird abgeschlossen…</translation>
    </message>
    <message>
        <source>Taking a snapshot…</source>
        <translation>Die Seite wird gesichert…</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Seitensicherung</translation>
    </message>
</context>
<context>
    <name>Timestamper</name>
    <message>
        <source>The timestamp authority certificate {path} cannot be used: {reason}</source>
        <translation>Das Zertifikat des Zeitstempeldienstes {path} kann nicht verwendet werden: {reason}</translation>
    </message>
</context>
<context>
    <name>TransferDialogs</name>
    <message>
        <source>Case transfer (*.age);;All files (*)</source>
        <translation>Fallübermittlung (*.age);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>exhibits</source>
        <translation>Asservate</translation>
    </message>
    <message>
        <source>saved lookups</source>
        <translation>gespeicherte Abfragen</translation>
    </message>
    <message>
        <source>contact entries</source>
        <translation>Kontakteinträge</translation>
    </message>
    <message>
        <source>attachments</source>
        <translation>Anhänge</translation>
    </message>
    <message>
        <source>personas</source>
        <translation>Legenden</translation>
    </message>
    <message>
        <source>notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>timestamps</source>
        <translation>Zeitstempel</translation>
    </message>
    <message>
        <source>a passphrase</source>
        <translation>eine Passphrase</translation>
    </message>
    <message>
        <source>workstations&apos; keys</source>
        <translation>Schlüssel der Arbeitsplätze</translation>
    </message>
    <message>
        <source>Encrypted case transfer</source>
        <translation>Verschlüsselte Fallübermittlung</translation>
    </message>
    <message>
        <source>Partner workstations from the address book</source>
        <translation>Partner-Arbeitsplätze aus dem Adressbuch</translation>
    </message>
    <message>
        <source>Encrypt to partner workstations</source>
        <translation>Für Partner-Arbeitsplätze verschlüsseln</translation>
    </message>
    <message>
        <source>A passphrase (give it to the receiver separately)</source>
        <translation>Eine Passphrase (dem Empfänger getrennt mitteilen)</translation>
    </message>
    <message>
        <source>Encrypt to a passphrase</source>
        <translation>Mit einer Passphrase verschlüsseln</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>Added {when}</source>
        <translation>Hinzugefügt {when}</translation>
    </message>
    <message>
        <source>No partners in the address book yet: add their key cards under Keys and address book…, or use a passphrase.</source>
        <translation>Noch keine Partner im Adressbuch: Nehmen Sie ihre Schlüsselkarten unter Schlüssel und Adressbuch… auf, oder verwenden Sie eine Passphrase.</translation>
    </message>
    <message>
        <source>Transfer passphrase</source>
        <translation>Passphrase der Übermittlung</translation>
    </message>
    <message>
        <source>Repeat transfer passphrase</source>
        <translation>Passphrase der Übermittlung wiederholen</translation>
    </message>
    <message>
        <source>The whole case</source>
        <translation>Der ganze Fall</translation>
    </message>
    <message>
        <source>Send the whole case</source>
        <translation>Den ganzen Fall senden</translation>
    </message>
    <message>
        <source>Chosen parts</source>
        <translation>Gewählte Teile</translation>
    </message>
    <message>
        <source>Send chosen parts</source>
        <translation>Gewählte Teile senden</translation>
    </message>
    <message>
        <source>Exhibits to send</source>
        <translation>Zu sendende Asservate</translation>
    </message>
    <message>
        <source>No exhibits.</source>
        <translation>Keine Asservate.</translation>
    </message>
    <message>
        <source>Saved lookups to send</source>
        <translation>Zu sendende gespeicherte Abfragen</translation>
    </message>
    <message>
        <source>No saved lookups.</source>
        <translation>Keine gespeicherten Abfragen.</translation>
    </message>
    <message>
        <source>The contact log</source>
        <translation>Das Kontaktprotokoll</translation>
    </message>
    <message>
        <source>Send the contact log</source>
        <translation>Das Kontaktprotokoll senden</translation>
    </message>
    <message>
        <source>The personas</source>
        <translation>Die Legenden</translation>
    </message>
    <message>
        <source>Send the personas</source>
        <translation>Die Legenden senden</translation>
    </message>
    <message>
        <source>The notes</source>
        <translation>Die Notizen</translation>
    </message>
    <message>
        <source>Send the notes</source>
        <translation>Die Notizen senden</translation>
    </message>
    <message>
        <source>Transfer file</source>
        <translation>Übermittlungsdatei</translation>
    </message>
    <message>
        <source>Encrypt to</source>
        <translation>Verschlüsseln für</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Passphrase wiederholen</translation>
    </message>
    <message>
        <source>What travels</source>
        <translation>Was übermittelt wird</translation>
    </message>
    <message>
        <source>Exhibits</source>
        <translation>Asservate</translation>
    </message>
    <message>
        <source>Lookups</source>
        <translation>Abfragen</translation>
    </message>
    <message>
        <source>Personas&apos; browser state (their cookies) never travels.</source>
        <translation>Der Browserzustand der Legenden (ihre Cookies) wird nie übermittelt.</translation>
    </message>
    <message>
        <source>Choose the transfer file</source>
        <translation>Übermittlungsdatei wählen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Tick at least one partner, or encrypt to a passphrase.</source>
        <translation>Kreuzen Sie mindestens einen Partner an oder verschlüsseln Sie mit einer Passphrase.</translation>
    </message>
    <message>
        <source>The transfer passphrase needs at least {count} characters.</source>
        <translation>Die Passphrase der Übermittlung braucht mindestens {count} Zeichen.</translation>
    </message>
    <message>
        <source>The two transfer passphrases differ.</source>
        <translation>Die beiden Passphrasen der Übermittlung stimmen nicht überein.</translation>
    </message>
    <message>
        <source>Choose at least one part of the case to send.</source>
        <translation>Wählen Sie mindestens einen Teil des Falls zum Senden.</translation>
    </message>
    <message>
        <source>Choose a file name for the transfer.</source>
        <translation>Wählen Sie einen Dateinamen für die Übermittlung.</translation>
    </message>
    <message>
        <source>Case transfer</source>
        <translation>Fallübermittlung</translation>
    </message>
    <message>
        <source>Unlocking this workstation&apos;s keys…</source>
        <translation>Die Schlüssel dieses Arbeitsplatzes werden entsperrt…</translation>
    </message>
    <message>
        <source>Writing the encrypted transfer…</source>
        <translation>Die verschlüsselte Übermittlung wird geschrieben…</translation>
    </message>
    <message>
        <source>Transfer written to {file} ({size} bytes).</source>
        <translation>Übermittlung nach {file} geschrieben ({size} Byte).</translation>
    </message>
    <message>
        <source>Transfer written.</source>
        <translation>Übermittlung geschrieben.</translation>
    </message>
    <message>
        <source>a passphrase: give it to the receiver by another way than the file</source>
        <translation>eine Passphrase: teilen Sie sie dem Empfänger auf anderem Weg als die Datei mit</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>{size} bytes</source>
        <translation>{size} Byte</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256-Prüfsumme</translation>
    </message>
    <message>
        <source>Encrypted to</source>
        <translation>Verschlüsselt für</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>Enthält</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Audit-Protokoll</translation>
    </message>
    <message>
        <source>up to its signed head, event {seq}</source>
        <translation>bis zu seinem signierten Stand, Eintrag {seq}</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>Signiert von</translation>
    </message>
    <message>
        <source>Import a case transfer</source>
        <translation>Eine Fallübermittlung importieren</translation>
    </message>
    <message>
        <source>no case is open</source>
        <translation>es ist kein Fall geöffnet</translation>
    </message>
    <message>
        <source>Into the open case ({case})</source>
        <translation>In den geöffneten Fall ({case})</translation>
    </message>
    <message>
        <source>Import into the open case</source>
        <translation>In den geöffneten Fall importieren</translation>
    </message>
    <message>
        <source>Into a new case</source>
        <translation>In einen neuen Fall</translation>
    </message>
    <message>
        <source>Import into a new case</source>
        <translation>In einen neuen Fall importieren</translation>
    </message>
    <message>
        <source>Folder of the new case</source>
        <translation>Ordner des neuen Falls</translation>
    </message>
    <message>
        <source>Passphrase for the new case</source>
        <translation>Passphrase für den neuen Fall</translation>
    </message>
    <message>
        <source>Repeat the new case&apos;s passphrase</source>
        <translation>Passphrase des neuen Falls wiederholen</translation>
    </message>
    <message>
        <source>Accept a sender that is not in my address book (compare its fingerprint first)</source>
        <translation>Einen Absender annehmen, der nicht in meinem Adressbuch steht (vorher den Fingerabdruck abgleichen)</translation>
    </message>
    <message>
        <source>Accept an unknown sender</source>
        <translation>Unbekannten Absender annehmen</translation>
    </message>
    <message>
        <source>Choose the folder of the new case</source>
        <translation>Ordner des neuen Falls wählen</translation>
    </message>
    <message>
        <source>Add it</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>New case folder</source>
        <translation>Ordner des neuen Falls</translation>
    </message>
    <message>
        <source>Everything is checked before anything is added: the signature, every hash, the audit log. A transfer that fails a check adds nothing.</source>
        <translation>Alles wird geprüft, bevor etwas hinzugefügt wird: die Signatur, jeder Hashwert, das Audit-Protokoll. Eine Übermittlung, die eine Prüfung nicht besteht, fügt nichts hinzu.</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>Folder for the new case</source>
        <translation>Ordner für den neuen Fall</translation>
    </message>
    <message>
        <source>Choose the transfer file.</source>
        <translation>Wählen Sie die Übermittlungsdatei.</translation>
    </message>
    <message>
        <source>{file} is not a file.</source>
        <translation>{file} ist keine Datei.</translation>
    </message>
    <message>
        <source>Choose a folder for the new case.</source>
        <translation>Wählen Sie einen Ordner für den neuen Fall.</translation>
    </message>
    <message>
        <source>{path} already exists; a new case needs a new or empty folder.</source>
        <translation>{path} gibt es bereits; ein neuer Fall braucht einen neuen oder leeren Ordner.</translation>
    </message>
    <message>
        <source>The new case&apos;s passphrase needs at least {count} characters.</source>
        <translation>Die Passphrase des neuen Falls braucht mindestens {count} Zeichen.</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Die beiden Passphrasen stimmen nicht überein.</translation>
    </message>
    <message>
        <source>Import of a case transfer</source>
        <translation>Import einer Fallübermittlung</translation>
    </message>
    <message>
        <source>Decrypting and checking the transfer…</source>
        <translation>Die Übermittlung wird entschlüsselt und geprüft…</translation>
    </message>
    <message>
        <source>The transfer was rejected; nothing was imported.</source>
        <translation>Die Übermittlung wurde abgewiesen; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>The transfer was rejected. Nothing was imported; the case was not changed.</source>
        <translation>Die Übermittlung wurde abgewiesen. Es wurde nichts importiert; der Fall blieb unverändert.</translation>
    </message>
    <message>
        <source>a new case</source>
        <translation>einem neuen Fall</translation>
    </message>
    <message>
        <source>the case</source>
        <translation>dem Fall</translation>
    </message>
    <message>
        <source>The transfer was verified and added to {made} {case}.</source>
        <translation>Die Übermittlung wurde geprüft und {made} {case} hinzugefügt.</translation>
    </message>
    <message>
        <source>Open the new case</source>
        <translation>Den neuen Fall öffnen</translation>
    </message>
    <message>
        <source>The transfer was verified and imported.</source>
        <translation>Die Übermittlung wurde geprüft und importiert.</translation>
    </message>
    <message>
        <source>this workstation</source>
        <translation>dieser Arbeitsplatz</translation>
    </message>
    <message>
        <source>it is this workstation&apos;s own key</source>
        <translation>es ist der eigene Schlüssel dieses Arbeitsplatzes</translation>
    </message>
    <message>
        <source>yes, as {name}</source>
        <translation>ja, als {name}</translation>
    </message>
    <message>
        <source>an unknown workstation</source>
        <translation>ein unbekannter Arbeitsplatz</translation>
    </message>
    <message>
        <source>no: accepted on request. Compare the fingerprint with the sending unit, then add their key card.</source>
        <translation>nein: auf Wunsch angenommen. Gleichen Sie den Fingerabdruck mit der sendenden Dienststelle ab und nehmen Sie dann ihre Schlüsselkarte auf.</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Absender</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Fingerabdruck</translation>
    </message>
    <message>
        <source>In your address book</source>
        <translation>In Ihrem Adressbuch</translation>
    </message>
    <message>
        <source>Into</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>From case</source>
        <translation>Aus Fall</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Übermittlung</translation>
    </message>
    <message>
        <source>SHA-256 {digest}, {size} bytes</source>
        <translation>SHA-256-Prüfsumme {digest}, {size} Byte</translation>
    </message>
    <message>
        <source>Added:</source>
        <translation>Hinzugefügt:</translation>
    </message>
    <message>
        <source> ({count} already there)</source>
        <translation> ({count} bereits vorhanden)</translation>
    </message>
    <message>
        <source>Verified before anything was written:</source>
        <translation>Geprüft, bevor etwas geschrieben wurde:</translation>
    </message>
    <message>
        <source>Warning: {warning}</source>
        <translation>Warnung: {warning}</translation>
    </message>
    <message>
        <source>Recorded in the audit log as import.completed.</source>
        <translation>Im Audit-Protokoll als import.completed vermerkt.</translation>
    </message>
</context>
<context>
    <name>Workers</name>
    <message>
        <source>An internal error occurred; the details are in the log.</source>
        <translation>Ein interner Fehler ist aufgetreten; die Einzelheiten stehen im Log.</translation>
    </message>
</context>
</TS>
