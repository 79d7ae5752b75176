# Shared set-up for bin/dev and bin/test: system packages, a virtualenv with locked versions.
# Sourced, not run. Idempotent and quick when nothing changed.

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v gettext >/dev/null 2>&1 || need_apt+=(gettext)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Missing system packages: ${need_apt[*]} (install them with apt-get as root)." >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "Installing Python packages (locked in requirements.lock)..."
  .venv/bin/pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  # pip's exit status is checked below by importing what it installed; its noise is filtered.
  .venv/bin/pip install -q -c requirements.lock -e '.[dev]' 2>&1 | grep -v -e "^WARNING: Location" -e "BuildBackendWarning" || true
  .venv/bin/python -c "import django, django_fsm, celery, weasyprint, playwright" \
    || { echo "Installing the Python packages failed (see above)." >&2; exit 1; }
  rm -f .venv/.installed-* && touch "$stamp"
fi
mkdir -p var/celery/queue var/celery/control var/mail var/sms var/private
