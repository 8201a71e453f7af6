-- throughput.lua: Pktgen-DPDK (23.06.1) script measuring pktgate's forwarding
-- rate between two pktgen ports: port 0 sends 64-byte UDP to pktgate's lan
-- port, pktgate routes it out of wan into port 1.
--
--   pktgen ... -- -P -m 1.[0-1] -f tools/pktgen/throughput.lua
--
-- Output: one line starting with "PKTGEN_RESULT " followed by a JSON object
--   {"tx":N,"rx":N,"loss":N,"loss_pct":F,"seconds":F,"tx_mpps":F,"rx_mpps":F,...}
-- printed to the terminal and, when PG_OUT is set, written to that file
-- (the file is the reliable channel: the terminal also carries pktgen's
-- screen). tx = opackets of port 0, rx = ipackets of port 1, loss = tx - rx,
-- seconds = wall time between start and stop read from /proc/uptime
-- (pktgen.delay() runs late: it also refreshes the screen).
--
-- Parameters: environment variables (all optional), defaults in PARAMS below.
--   PG_SECONDS    how long to send                          (10)
--   PG_SIZE       frame size in bytes, CRC included          (64)
--   PG_RATE       pktgen "rate" in percent of link speed     (100)
--   PG_DST_MAC    pktgate lan MAC                            (02:00:00:00:00:01)
--   PG_SRC_MAC    pktgen port 0 MAC                          (02:00:00:00:00:02)
--   PG_SRC_IP     source address (pktgate's lan subnet)      (192.0.2.2)
--   PG_DST_MIN / PG_DST_MAX   destination range, stepped by 1 per packet
--                 (must be routed by pktgate)    (203.0.113.1 / 203.0.113.254)
--   PG_SPORT_MIN / PG_SPORT_MAX  UDP source port range, step 1  (1024 / 1027)
--   PG_DPORT      UDP destination port                       (5678)
--   PG_TX_PORT / PG_RX_PORT   pktgen port numbers            (0 / 1)
--   PG_LINK_WAIT  seconds to wait for both links to be up    (10)
--   PG_OUT        file to write the JSON line to             (none)
--   PG_HOLD       if set: after the result, wait until this file exists
--                 (at most PG_HOLD_MAX s, default 60) before quitting, so
--                 the caller can read the DUT's counters while pktgen is
--                 still connected (memif resets counters on disconnect).
--   PG_QUIT       0: do not quit at the end (stay interactive)     (1)
--   PG_RANGE      1: range mode, many flows (below)                 (1)
--                 0: single-packet mode, one flow PG_SRC_IP:PG_SPORT_MIN ->
--                    PG_DST_MIN:PG_DPORT (pktgen sends copies of one
--                    prepared frame: it can send faster than in range mode)
-- In range mode the fields step together (dst +1 and sport +1 per packet),
-- so the number of distinct flows is lcm(#dst, #sport): 508 with the defaults.

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == "" then
        return default
    end
    return v
end

local P = {
    seconds   = tonumber(env("PG_SECONDS", "10")),
    size      = tonumber(env("PG_SIZE", "64")),
    rate      = tonumber(env("PG_RATE", "100")),
    dst_mac   = env("PG_DST_MAC", "02:00:00:00:00:01"),
    src_mac   = env("PG_SRC_MAC", "02:00:00:00:00:02"),
    src_ip    = env("PG_SRC_IP", "192.0.2.2"),
    dst_min   = env("PG_DST_MIN", "203.0.113.1"),
    dst_max   = env("PG_DST_MAX", "203.0.113.254"),
    sport_min = tonumber(env("PG_SPORT_MIN", "1024")),
    sport_max = tonumber(env("PG_SPORT_MAX", "1027")),
    dport     = tonumber(env("PG_DPORT", "5678")),
    tx        = env("PG_TX_PORT", "0"),
    rx        = env("PG_RX_PORT", "1"),
    link_wait = tonumber(env("PG_LINK_WAIT", "10")),
    out       = env("PG_OUT", nil),
    hold      = env("PG_HOLD", nil),
    hold_max  = tonumber(env("PG_HOLD_MAX", "60")),
    quit      = env("PG_QUIT", "1") ~= "0",
    range     = env("PG_RANGE", "1") ~= "0",
}

-- Wall clock in seconds (10 ms resolution).
local function now()
    local f = io.open("/proc/uptime", "r")
    local t = tonumber(f:read("*n"))
    f:close()
    return t
end

local function exists(path)
    local f = io.open(path, "r")
    if f then
        f:close()
        return true
    end
    return false
end

-- Sleep until the clock passes t, letting pktgen's timers run meanwhile.
local function sleep_until(t)
    while now() < t do
        pktgen.delay(50)
    end
end

local function emit(line)
    print("PKTGEN_RESULT " .. line)
    io.stdout:flush()
    if P.out then
        local f = io.open(P.out .. ".tmp", "w")
        f:write(line .. "\n")
        f:close()
        os.rename(P.out .. ".tmp", P.out)
    end
end

local function finish()
    if P.hold then
        local deadline = now() + P.hold_max
        while not exists(P.hold) and now() < deadline do
            pktgen.delay(100)
        end
    end
    if P.quit then
        pktgen.quit()
    end
end

local ports = P.tx .. "," .. P.rx

-- Traffic on the TX port: the single-packet settings first (also the
-- fallback template), then the range settings.
pktgen.set_range(P.tx, "off")
pktgen.set(P.tx, "count", 0)
pktgen.set(P.tx, "rate", P.rate)
pktgen.set(P.tx, "size", P.size)
pktgen.set_proto(P.tx, "udp")
pktgen.set_mac(P.tx, "dst", P.dst_mac)
pktgen.set_ipaddr(P.tx, "src", P.src_ip .. "/24")
pktgen.set_ipaddr(P.tx, "dst", P.dst_min)
pktgen.set(P.tx, "sport", P.sport_min)
pktgen.set(P.tx, "dport", P.dport)
pktgen.set(P.tx, "ttl", 64)

if P.range then
    pktgen.range.ip_proto(P.tx, "udp")
    pktgen.range.dst_mac(P.tx, "start", P.dst_mac)
    pktgen.range.src_mac(P.tx, "start", P.src_mac)
    for _, w in ipairs({"start", "min", "max"}) do
        pktgen.range.src_ip(P.tx, w, P.src_ip)
        pktgen.range.dst_port(P.tx, w, P.dport)
        pktgen.range.ttl(P.tx, w, 64)
        pktgen.range.pkt_size(P.tx, w, P.size)
    end
    pktgen.range.src_ip(P.tx, "inc", "0.0.0.0")
    pktgen.range.dst_port(P.tx, "inc", 0)
    pktgen.range.ttl(P.tx, "inc", 0)
    pktgen.range.pkt_size(P.tx, "inc", 0)
    pktgen.range.dst_ip(P.tx, "start", P.dst_min)
    pktgen.range.dst_ip(P.tx, "min", P.dst_min)
    pktgen.range.dst_ip(P.tx, "max", P.dst_max)
    pktgen.range.dst_ip(P.tx, "inc", "0.0.0.1")
    pktgen.range.src_port(P.tx, "start", P.sport_min)
    pktgen.range.src_port(P.tx, "min", P.sport_min)
    pktgen.range.src_port(P.tx, "max", P.sport_max)
    pktgen.range.src_port(P.tx, "inc", (P.sport_max > P.sport_min) and 1 or 0)
    pktgen.set_range(P.tx, "on")
end

-- Wait for both links (memif: until the server accepted us).
local deadline = now() + P.link_wait
local up = false
while now() < deadline do
    local ls = pktgen.linkState(ports)
    local tx_up = string.find(ls[tonumber(P.tx)] or "", "UP", 1, true) ~= nil
    local rx_up = string.find(ls[tonumber(P.rx)] or "", "UP", 1, true) ~= nil
    if tx_up and rx_up then
        up = true
        break
    end
    pktgen.delay(100)
end
if not up then
    emit(string.format('{"error":"links not up after %d s"}', P.link_wait))
    finish()
    return
end

-- Measure: counters are a snapshot taken by a 1 s timer, so give it time
-- after clearing and after stopping.
pktgen.clr()
pktgen.delay(1500)
local base_tx = pktgen.portStats(P.tx, "port")[tonumber(P.tx)]
local base_rx = pktgen.portStats(P.rx, "port")[tonumber(P.rx)]

local t0 = now()
pktgen.start(P.tx)
sleep_until(t0 + P.seconds)
pktgen.stop(P.tx)
local t1 = now()
pktgen.delay(2500)

local s_tx = pktgen.portStats(P.tx, "port")[tonumber(P.tx)]
local s_rx = pktgen.portStats(P.rx, "port")[tonumber(P.rx)]
-- clr() may leave a residue until the next timer tick: count from the base.
local tx = s_tx.opackets - base_tx.opackets
local rx = s_rx.ipackets - base_rx.ipackets
local secs = t1 - t0
local loss = tx - rx
local loss_pct = 0
if tx > 0 then
    loss_pct = 100.0 * loss / tx
end

emit(string.format(
    '{"tx":%d,"rx":%d,"loss":%d,"loss_pct":%.4f,"seconds":%.2f,' ..
    '"tx_mpps":%.3f,"rx_mpps":%.3f,"size":%d,"rate_pct":%d,' ..
    '"tx_oerrors":%d,"rx_imissed":%d,"rx_ierrors":%d,"rx_nombuf":%d,' ..
    '"port1_tx":%d,"mode":"%s"}',
    tx, rx, loss, loss_pct, secs,
    tx / secs / 1e6, rx / secs / 1e6, P.size, P.rate,
    s_tx.oerrors - base_tx.oerrors, s_rx.imissed - base_rx.imissed,
    s_rx.ierrors - base_rx.ierrors, s_rx.rx_nombuf - base_rx.rx_nombuf,
    s_rx.opackets - base_rx.opackets, P.range and "range" or "single"))
finish()
