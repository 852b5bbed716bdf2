#!/usr/bin/env bash
# Build the installer in one command: the PyInstaller bundle (with tor), a .tar.gz for
# any x86_64 Linux and a .deb for Debian 12. Run from anywhere in a checkout:
#
#   scripts/build-installer.sh [--quick] [--bundle-only] [--out DIR]
#
#   --quick        fast, light compression (the tests use it): same files, bigger archives
#   --bundle-only  stop after the bundle; print its folder
#   --out DIR      where the packages go (default: dist)
#
# Writes dist/investigator-workstation-<version>-linux-x86_64.tar.gz and
# dist/investigator-workstation_<version>_amd64.deb, and prints the bundle's folder and
# the two packages' paths, one a line. The bundle is kept in build/installer/bundle-<key>,
# where <key> hashes the lock files, the spec, the sources and tor, and the packages
# beside it; a second run with the same inputs reuses them. Reproducible: same commit and
# lock files give the same bytes (SOURCE_DATE_EPOCH is the commit's time, PYTHONHASHSEED
# is fixed, archives are sorted, owned by root and dated SOURCE_DATE_EPOCH).
set -euo pipefail
NAME=investigator-workstation

quick=0
bundle_only=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --bundle-only) bundle_only=1 ;;
    --out) out="${2:?--out needs a folder}"; shift ;;
    *) echo "usage: $0 [--quick] [--bundle-only] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
[ -z "$out" ] || out="$(realpath -m "$out")"  # relative to where the command was given
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${out:-$root/dist}"
work=build/installer

log() { echo "== [${SECONDS}s] $*" >&2; }

install_build_tools() {
  scripts/system-deps.sh run build
  scripts/venv.sh requirements-build.lock
}

set_reproducible_environment() {
  SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
  export SOURCE_DATE_EPOCH
  export PYTHONHASHSEED=0
  export WORKSTATION_TOR="${WORKSTATION_TOR:-/usr/bin/tor}"
  export WORKSTATION_TOR_GEOIP="${WORKSTATION_TOR_GEOIP:-/usr/share/tor}"
  export TZ=UTC LC_ALL=C.UTF-8
  umask 022
}

# Everything the bundle is made from; a change in any of it makes a new bundle.
bundle_key() {
  {
    cat requirements.lock requirements-build.lock pyinstaller.spec
    .venv/bin/python --version
    echo "$SOURCE_DATE_EPOCH"
    git rev-parse HEAD 2>/dev/null || true
    [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || echo dirty
    sha256sum "$WORKSTATION_TOR" "$WORKSTATION_TOR_GEOIP/geoip" "$WORKSTATION_TOR_GEOIP/geoip6"
    find main.py workstation resources -type f ! -path '*/__pycache__/*' ! -name '*.pyc' \
      -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
}

build_bundle() {
  local key="$1" cache="$work/bundle-$1"
  if [ -x "$cache/$NAME/$NAME" ]; then
    log "reusing the bundle built from the same inputs: $cache"
  else
    log "building the bundle (PyInstaller)"
    rm -rf "$work"/bundle-* "$work"/packages-* "$work/pyinstaller"
    .venv/bin/pyinstaller --noconfirm --log-level WARN \
      --distpath "$cache.partial" --workpath "$work/pyinstaller" pyinstaller.spec
    # Same modes whatever the umask of the build: dirs and programs 755, files 644.
    chmod -R u=rwX,go=rX "$cache.partial/$NAME"
    mv "$cache.partial" "$cache"
  fi
  ln -sfn "bundle-$key" "$work/bundle"
}

# Shared libraries the bundle's programs and libraries link against but that it does
# not carry. PyInstaller leaves these out on purpose (libc, the GL/EGL and Wayland
# stack, libxcb): they must match the PC's drivers and display server.
system_libraries() {
  local bundle="$1"
  comm -23 \
    <(find "$bundle" -type f -print0 | xargs -0 objdump -p 2>/dev/null \
      | awk '$1 == "NEEDED" { print $2 }' | sort -u) \
    <(find "$bundle" \( -type f -o -type l \) -printf '%f\n' | sort -u)
}

# "package (>= version)" for one soname: the package that owns the library here, and the
# minimum version its shlibs file declares (what dpkg-shlibdeps would use).
debian_dependency() {
  local soname="$1" multiarch path owner package base sover shlibs
  multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
  path="$(/sbin/ldconfig -p | awk -v so="$soname" -v ma="/$multiarch/" \
    '$1 == so && index($NF, ma) { print $NF; exit }')"
  [ -n "$path" ] || { echo "error: $soname is needed but not installed here" >&2; return 1; }
  owner="$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null \
    || dpkg -S "${path#/usr}" 2>/dev/null)" \
    || { echo "error: no Debian package owns $path" >&2; return 1; }
  package="${owner%%:*}"
  base="${soname%%.so*}"
  sover="${soname#*.so}"
  sover="${sover#.}"
  shlibs="$(ls /var/lib/dpkg/info/"$package".shlibs /var/lib/dpkg/info/"$package":*.shlibs \
    2>/dev/null | head -n1)"
  if [ -n "$shlibs" ]; then
    awk -v base="$base" -v sover="$sover" \
      '$1 == base && $2 == sover { $1 = ""; $2 = ""; sub(/^ +/, ""); print; found = 1; exit }
       END { if (!found) exit 1 }' "$shlibs" && return 0
  fi
  echo "$package"
}

shlibs_depends() {
  local soname
  system_libraries "$1" | while read -r soname; do
    debian_dependency "$soname"
  done | sort -u | paste -sd, - | sed 's/,/, /g'
}

write_tar() {
  local bundle="$1" out="$2" level="$3"
  log "writing $out"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    --format=gnu -C "$(dirname "$bundle")" \
    --transform "flags=r;s|^$NAME|$NAME-$version|" -cf - "$(basename "$bundle")" \
    | gzip -n "-$level" > "$out.partial"
  mv "$out.partial" "$out"
}

stage_deb() {
  local bundle="$1" stage="$2" icons="$2/usr/share/icons/hicolor"
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$icons/256x256/apps" "$icons/scalable/apps"
  cp -al "$(readlink -f "$bundle")" "$stage/opt/$NAME"  # hard links: no copy of 500 MB
  install -m 0755 packaging/launcher.sh "$stage/usr/bin/$NAME"
  install -m 0644 "packaging/$NAME.desktop" "$stage/usr/share/applications/$NAME.desktop"
  install -m 0644 "resources/icons/$NAME.png" "$icons/256x256/apps/$NAME.png"
  install -m 0644 "resources/icons/$NAME.svg" "$icons/scalable/apps/$NAME.svg"
  find "$stage" -type d -exec chmod 0755 {} +
}

write_deb() {
  local bundle="$1" stage="$2" out="$3" compression="$4" depends size
  log "writing $out"
  depends="$(shlibs_depends "$bundle")"
  size="$(du -sk --apparent-size --exclude=DEBIAN "$stage" | cut -f1)"
  grep -v '^#' packaging/deb/control.in \
    | sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$(dpkg --print-architecture)|" \
      -e "s|@INSTALLED_SIZE@|$size|" -e "s|@SHLIBS_DEPENDS@|$depends|" \
    > "$stage/DEBIAN/control"
  # shellcheck disable=SC2086  # the compression options are two words on purpose
  dpkg-deb --root-owner-group $compression --build "$stage" "$out.partial" >/dev/null
  mv "$out.partial" "$out"
}

# Both archives from the bundle, into a folder named after everything they are made of.
build_packages() {
  local bundle="$1" folder="$2" tar_level=6 deb_compression="-Zxz -z6" stage="$work/deb"
  [ "$quick" = 0 ] || { tar_level=1; deb_compression="-Zgzip -z1"; }
  rm -rf "$work"/packages-*-q"$quick"* && mkdir -p "$folder.partial"
  # Staged (hard links) before tar starts: a new link to a file changes its ctime,
  # which tar would report as "file changed as we read it".
  stage_deb "$bundle" "$stage"
  write_tar "$bundle" "$folder.partial/$tar_name" "$tar_level" &
  local tar_job=$!
  write_deb "$bundle" "$stage" "$folder.partial/$deb_name" "$deb_compression"
  wait "$tar_job"
  rm -rf "$stage"
  mv "$folder.partial" "$folder"
}

main() {
  install_build_tools
  set_reproducible_environment
  mkdir -p "$work" "$out"
  # One build at a time per checkout (two test runs may start one each).
  exec 9>"$work/.lock"
  flock 9
  local key
  key="$(bundle_key)"
  build_bundle "$key"
  local bundle="$work/bundle/$NAME"
  if [ "$bundle_only" = 1 ]; then
    readlink -f "$bundle"
    return
  fi
  version="$(.venv/bin/python -c 'import workstation; print(workstation.__version__)')"
  tar_name="$NAME-$version-linux-$(uname -m).tar.gz"
  deb_name="${NAME}_${version}_$(dpkg --print-architecture).deb"
  local recipe packages
  recipe="$(cat packaging/deb/control.in "packaging/$NAME.desktop" packaging/launcher.sh \
    scripts/build-installer.sh | sha256sum | cut -c1-8)"
  packages="$work/packages-$key-$recipe-q$quick"
  if [ -f "$packages/$deb_name" ] && [ -f "$packages/$tar_name" ]; then
    log "reusing the packages made from the same bundle: $packages"
  else
    build_packages "$bundle" "$packages"
  fi
  cp "$packages/$tar_name" "$packages/$deb_name" "$out/"
  du -sh "$(readlink -f "$bundle")" "$out/$tar_name" "$out/$deb_name" >&2
  printf '%s\n' "$(readlink -f "$bundle")" "$out/$tar_name" "$out/$deb_name"
}

main
