#!/bin/sh
# /usr/bin/investigator-workstation from the Debian package: starts the bundle in /opt.
exec /opt/investigator-workstation/investigator-workstation "$@"
