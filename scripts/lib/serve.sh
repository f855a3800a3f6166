# shellcheck shell=bash disable=SC2154
# The parts of scripts/serve: its config files, waiting for a server, and the demo organisation.
# Sourced by scripts/serve; works under set -euo pipefail. Every function reads the variables
# scripts/serve sets: bin (the mileage binary), var_dir, serve_port, sandbox_port.

demo_mchid=1900000001
demo_appid=wx8888888888888888
# The AppSecret the sandbox knows its mini-program by (write_sandbox_config), which member
# login (code2Session) needs registered with the app.
demo_app_secret=sandbox-secret

# True when something accepts connections on 127.0.0.1:PORT.
serve_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_for_http URL PID LOG: waits up to 30 s until URL answers 200, while process PID lives.
# Prints the tail of LOG and returns 1 when it does not.
wait_for_http() {
  local url=$1 pid=$2 log=$3 _
  for _ in $(seq 300); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "scripts/serve: the process that should answer $url has exited; its log:" >&2
      tail -n 20 "$log" >&2 || true
      return 1
    fi
    sleep 0.1
  done
  echo "scripts/serve: $url did not answer within 30 s; the log:" >&2
  tail -n 20 "$log" >&2 || true
  return 1
}

# stop_or_kill PID: waits up to 15 s for the child PID (sent SIGTERM already) to exit, then
# kills it; reaps it either way.
stop_or_kill() {
  local pid=$1 state _
  for _ in $(seq 150); do
    # A child that has exited stays a zombie (state Z) until it is reaped.
    read -r _ _ state _ 2>/dev/null <"/proc/$pid/stat" || break
    [[ $state == Z ]] && break
    sleep 0.1
  done
  if [[ ${state:-} != Z ]] && kill -0 "$pid" 2>/dev/null; then
    echo "scripts/serve: pid $pid did not stop within 15 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# write_sandbox_config FILE: the sandbox's own config, with the demo merchant notifying this
# service's port (the sandbox default assumes 8080).
write_sandbox_config() {
  cat >"$1" <<JSON
{
  "listen": "127.0.0.1:$sandbox_port",
  "state_dir": "$var_dir/sandbox",
  "merchants": [
    {"mchid": "$demo_mchid", "appid": "$demo_appid",
     "notify_url": "http://127.0.0.1:$serve_port/wechatpay/v3/notify/$demo_mchid"}
  ],
  "mini_programs": [{"appid": "$demo_appid", "secret": "$demo_app_secret"}]
}
JSON
}

# write_service_config FILE: the embedded default under var_dir, WeChat replaced by the sandbox
# (webhooks may point at a receiver on this machine);
# one node with no balancer in front, so SIGTERM stops at once (no drain_s wait).
write_service_config() {
  cat >"$1" <<JSON
{
  "listen": "127.0.0.1:$serve_port",
  "drain_s": 0,
  "webhook_allow_private_urls": true,
  "database": "sqlite:$var_dir/mileage.db",
  "wechat_api_base_url": "http://127.0.0.1:$sandbox_port",
  "wechat_pay_base_url": "http://127.0.0.1:$sandbox_port"$(serve_console_dir_entry)
}
JSON
}

# serve_console_dir_entry: ', "console_dir": "<abs>/console/dist"' when the console is built.
serve_console_dir_entry() {
  [[ -f console/dist/index.html ]] || return 0
  printf ',\n  "console_dir": "%s"' "$(pwd)/console/dist"
}

# demo_step NAME COMMAND...: runs `mileage admin COMMAND... --config $config` unless NAME is
# already recorded in var_dir/demo.env, then records NAME=<the printed id>. Each step is
# recorded as soon as it succeeds, so an interrupted bootstrap resumes where it stopped.
demo_step() {
  local name=$1 id
  shift
  if [[ -n ${!name:-} ]]; then return 0; fi
  id=$("$bin" admin "$@" --config "$config")
  if [[ ! $id =~ ^[0-9]+$ ]]; then
    echo "scripts/serve: mileage admin $1 printed '$id', not an id" >&2
    return 1
  fi
  printf '%s=%s\n' "$name" "$id" >>"$demo_env"
  printf -v "$name" '%s' "$id"
}

# demo_bootstrap: the demo brand, region, dealer and store, the sandbox's mini-program
# registered as the brand's app with its secret (what member login needs), the sandbox's
# merchant registered on the store with its API key, and the console user `demo` (brand_admin) with a generated
# password kept in var_dir/demo-password. Idempotent: what var_dir/demo.env records is not
# created again. A new database (no mileage.db yet) starts a new demo.env.
demo_bootstrap() {
  demo_env="$var_dir/demo.env"
  if [[ -f $demo_env ]]; then
    # shellcheck disable=SC1090
    source "$demo_env"
  fi
  demo_step DEMO_BRAND_ID create-brand --name "Demo Motors"
  demo_step DEMO_REGION_ID create-region --brand "$DEMO_BRAND_ID" --name "Demo Region"
  demo_step DEMO_DEALER_ID create-dealer --region "$DEMO_REGION_ID" --name "Demo Dealer"
  demo_step DEMO_STORE_ID create-store --dealer "$DEMO_DEALER_ID" --name "Demo Store"

  # A merchant's appid must be an app of its brand, registered first. add-miniprogram also gives
  # the secret to the app of a demo made before member login (the app exists, perhaps without
  # a secret: the migration made it from the merchant), and records it once like every step.
  local secret_file="$var_dir/demo-app-secret"
  (umask 077 && printf '%s\n' "$demo_app_secret" >"$secret_file")
  demo_step DEMO_MINIPROGRAM_ID add-miniprogram --brand "$DEMO_BRAND_ID" --appid "$demo_appid" \
    --name "Demo mini-program" --secret-file "$secret_file"

  # What the merchant needs, from the sandbox's state: the APIv3 key, the platform certificate
  # and the WeChat Pay public key with their serials. The export prints the add-merchant options.
  local export_dir="$var_dir/sandbox-export" line serial
  line=$("$bin" sandbox export --state-dir "$var_dir/sandbox" --mchid "$demo_mchid" \
    --out "$export_dir")
  local -a words
  read -r -a words <<<"$line"
  if [[ ${words[*]:0:3} != "mileage admin add-merchant" || ${words[4]} != STORE_ID ]]; then
    echo "scripts/serve: unexpected output of mileage sandbox export: $line" >&2
    return 1
  fi
  words[4]=$DEMO_STORE_ID
  demo_step DEMO_MERCHANT_ID "${words[@]:2}"
  # The serial the merchant was registered with; a new sandbox state (var/sandbox deleted)
  # signs with a new key that the registered merchant does not know.
  serial=${line#*--platform-key }
  serial=${serial%%=*}
  if [[ -z ${DEMO_SANDBOX_SERIAL:-} ]]; then
    printf 'DEMO_SANDBOX_SERIAL=%s\n' "$serial" >>"$demo_env"
    DEMO_SANDBOX_SERIAL=$serial
  elif [[ $DEMO_SANDBOX_SERIAL != "$serial" ]]; then
    echo "scripts/serve: warning: the sandbox has new keys (platform certificate $serial, the" \
      "merchant was registered with $DEMO_SANDBOX_SERIAL), so the service will reject its" \
      "notifications; delete $var_dir to start over" >&2
  fi

  # The merchant's API private key (the sandbox generated it; the export above wrote it) and its
  # certificate serial (from the JSON export), so that the service can create JSAPI orders and
  # sign wx.requestPayment: what selling packages in the mini-program takes.
  local key_file="$export_dir/merchant_private_key.pem" merchant_serial
  if [[ -z ${DEMO_MERCHANT_API_KEY:-} && -s $key_file ]]; then
    merchant_serial=$("$bin" sandbox export --state-dir "$var_dir/sandbox" --mchid "$demo_mchid" |
      sed -n 's/.*"merchant_key":{"serial":"\([0-9A-Fa-f]*\)".*/\1/p')
    if [[ -z $merchant_serial ]]; then
      echo "scripts/serve: mileage sandbox export gave no merchant key serial" >&2
      return 1
    fi
    demo_step DEMO_MERCHANT_API_KEY set-merchant-api-key --merchant "$demo_mchid" \
      --merchant-key-file "$key_file" --merchant-serial "$merchant_serial"
  fi

  demo_password_file="$var_dir/demo-password"
  if [[ -z ${DEMO_USER_ID:-} ]]; then
    if [[ ! -s $demo_password_file ]]; then
      (umask 077 && od -An -tx1 -N12 /dev/urandom | tr -d ' \n' >"$demo_password_file")
    fi
    chmod 600 "$demo_password_file"
    demo_step DEMO_USER_ID create-user --username demo --role brand_admin --scope-type brand \
      --scope-id "$DEMO_BRAND_ID" --password-file "$demo_password_file"
  elif [[ ! -s $demo_password_file ]]; then
    echo "scripts/serve: warning: $demo_password_file is gone, so nobody knows the password of" \
      "the console user demo; delete $var_dir to start over" >&2
  fi
}
