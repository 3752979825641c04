#!/bin/bash
# check-config.sh FRAGMENT CONFIG — fails (exit 1), naming each one, when a line of the config fragment
# is not what the final .config says: CONFIG_X=V must be there as it is, "# CONFIG_X is not set" must not
# be set to anything. Used by build-kernel.sh after olddefconfig.
set -euo pipefail
frag=${1:?usage: check-config.sh FRAGMENT CONFIG}
config=${2:?usage: check-config.sh FRAGMENT CONFIG}
missing=$(while read -r line; do
  case $line in
    CONFIG_*=*) grep -qxF -- "$line" "$config" || echo "  want $line, have: $(grep -E "^(# )?${line%%=*}[= ]" "$config" || echo absent)" ;;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
      ! grep -q "^$sym=" "$config" || echo "  want $line, have: $(grep "^$sym=" "$config")" ;;
  esac
done <"$frag")
if [ -n "$missing" ]; then
  echo "the final .config lost options of $frag:" >&2
  echo "$missing" >&2
  exit 1
fi
