<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en">
<context>
    <name>CaseExplorer</name>
    <message numerus="yes">
        <source>%n exhibit(s)</source>
        <translation>
            <numerusform>%n exhibit</numerusform>
            <numerusform>%n exhibits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n audit event(s)</source>
        <translation>
            <numerusform>%n audit event</numerusform>
            <numerusform>%n audit events</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LookupsPane</name>
    <message numerus="yes">
        <source>Done, %n warning(s)</source>
        <translation>
            <numerusform>Done, %n warning</numerusform>
            <numerusform>Done, %n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies)</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) since lookup {number}</source>
        <translation>
            <numerusform>%n change since lookup {number}</numerusform>
            <numerusform>%n changes since lookup {number}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved as lookup {number}; %n change(s) since lookup {previous}.</source>
        <translation>
            <numerusform>Saved as lookup {number}; %n change since lookup {previous}.</numerusform>
            <numerusform>Saved as lookup {number}; %n changes since lookup {previous}.</numerusform>
        </translation>
    </message>
</context>
</TS>
