-- Drives Ardour headless for the Auralis VST3 tests: runs the job in JOB_FILE (a Lua file returning a table) in a
-- session of its own: a stereo track plays a float WAV through a plugin, the session is exported to
-- OUT_DIR/<job>/export.wav, and values are printed as "AURALIS <job> <key><TAB><value>" lines for the test to read.
-- One job per process: Ardour 7.3 sometimes hangs closing a second session in the same process.
--
-- job = { name, rate = 48000, input = "in.wav", plugin = "Auralis Gain", preset = "label", params = { Label = value },
--         read = { "Label", ... }, listen = seconds, save = true, reopen = "session dir", latency = frames,
--         describe = true (print every parameter Ardour shows: "parameter <n> <input|output> <label>"),
--         type = "VST3" | "LV2" (of `plugin`, default VST3), stats = true (print Ardour's own timing of the plugin's
--         run calls during the export: "stats <calls-timed avg-us min-us max-us>"; for bench/vst3) }
-- `read` values are taken after the export, or, with `listen`, while the input plays again for that long (an
-- analyzer's output parameters describe what it hears now).
local function log(...) print(...) io.stdout:flush() end
local function report(job, key, value) log(string.format("AURALIS %s %s\t%s", job.name, key, tostring(value))) end

local function read_wav(path)
  local f = assert(io.open(path, "rb")); local d = f:read("a"); f:close()
  assert(d:sub(1, 4) == "RIFF" and d:sub(9, 12) == "WAVE", "not a WAV: " .. path)
  local pos, ch, rate, bits, data = 13
  while pos < #d do
    local id, size = d:sub(pos, pos + 3), string.unpack("<I4", d, pos + 4)
    if id == "fmt " then ch, rate = string.unpack("<I2I4", d, pos + 10); bits = string.unpack("<I2", d, pos + 22)
    elseif id == "data" then data = d:sub(pos + 8, pos + 7 + size) end
    pos = pos + 8 + size + (size % 2)
  end
  assert(bits == 32 and (ch == 1 or ch == 2), "float32 mono or stereo WAV expected: " .. path)
  local n = #data // (4 * ch)
  local samples = {} -- left channel, then right (mono is played on both)
  for i = 0, n - 1 do
    local l = string.unpack("<f", data, 1 + 4 * ch * i)
    local r = ch == 2 and string.unpack("<f", data, 5 + 4 * ch * i) or l
    samples[i + 1] = l; samples[n + i + 1] = r
  end
  return samples, n, rate
end

-- Ardour numbers a plugin's controls; find the one whose label is `label` (VST3 and LV2 number them differently).
local function find_param(plug, label)
  for n = 0, plug:parameter_count() - 1 do
    local id, ok = plug:nth_parameter(n, true)
    if ok and plug:parameter_label(id) == label then return n, id end
  end
end

local function start_engine(rate)
  ARDOUR.config():set_hide_dummy_backend(false)
  local backend = AudioEngine:set_backend("None (Dummy)", "", "")
  assert(backend and not backend:isnil(), "no dummy backend")
  backend:set_sample_rate(rate)
  backend:set_buffer_size(4096) -- 1024 (the default) crashes Ardour 7.3 after some exports
end

local function run(job)
  local samples, n, rate = read_wav(job.input)
  local dir = os.getenv("SESSIONS") .. "/" .. job.name
  local track, fx
  if job.reopen then
    assert(load_session(job.reopen, "ci"), "load_session failed: " .. job.reopen)
    track = Session:route_by_name("T"):to_track()
    assert(not track:isnil(), "track T missing in " .. job.reopen)
    fx = track:nth_plugin(1)
  else
    assert(create_session(dir, "ci", rate), "create_session failed: " .. dir)
    track = Session:new_audio_track(2, 2, nil, 1, "T", ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true):front()
    local player = ARDOUR.LuaAPI.new_plugin(Session, "Auralis Test Player", ARDOUR.PluginType.Lua, "")
    assert(not player:isnil(), "Auralis Test Player script not found")
    track:add_processor_by_index(player, 0, nil, true)
    if job.plugin then
      fx = ARDOUR.LuaAPI.new_plugin(Session, job.plugin, ARDOUR.PluginType[job.type or "VST3"], "")
      assert(not fx:isnil(), "plugin not found: " .. job.plugin)
      assert(track:add_processor_by_index(fx, 1, nil, true) == 0, "cannot insert " .. job.plugin)
    end
  end
  -- unity, no panning: the master bus receives exactly what the track's last plugin produced
  track:panner_shell():set_bypassed(true)

  local player = track:nth_plugin(0)
  player:deactivate()
  local shm = player:to_insert():plugin(0):to_luaproc():shmem()
  shm:allocate(2 * n + 2)
  shm:to_float(2):set_table(samples, 2 * n)
  shm:atomic_set_int(0, n)
  player:activate()

  local latency = 0
  if fx and not fx:isnil() then
    local pi, plug = fx:to_insert(), fx:to_insert():plugin(0)
    if job.preset then
      local preset = plug:preset_by_label(job.preset)
      assert(preset and preset.valid, "preset not found: " .. job.preset)
      assert(plug:load_preset(preset), "preset did not load: " .. job.preset)
    end
    if job.describe then
      for n = 0, plug:parameter_count() - 1 do
        local id = plug:nth_parameter(n, true)
        report(job, "parameter", string.format("%d %s %s", n, plug:parameter_is_input(id) and "input" or "output", plug:parameter_label(id)))
      end
    end
    for label, value in pairs(job.params or {}) do
      local index = find_param(plug, label)
      assert(index, "no parameter labelled " .. label)
      assert(ARDOUR.LuaAPI.set_plugin_insert_param(pi, index, value), "cannot set " .. label)
    end
    -- A preset that changes the latency is announced from the plugin's own thread shortly after it loaded; wait
    -- (at most 10 s) for the latency the job expects, then report what Ardour uses, right or wrong.
    for _ = 1, 100 do
      if not job.latency or fx:signal_latency() == job.latency then break end
      os.execute("sleep 0.1")
    end
    latency = fx:signal_latency()
    report(job, "latency", latency)
  end

  if job.stats and fx and not fx:isnil() then fx:to_insert():clear_stats() end
  local e = Session:simple_export()
  assert(e:check_outputs(), "no outputs to export")
  local folder = os.getenv("OUT_DIR") .. "/" .. job.name -- Ardour names the file itself: <folder>/export.wav
  os.execute("mkdir -p '" .. folder .. "'")
  e:set_folder(folder)
  -- the whole input and the plugin's tail, delayed by the plugin (this player is not latency-compensated)
  e:set_range(0, n + (job.tail or 0) + latency)
  assert(e:set_preset("6b1f3c2e-7a54-4d0e-9c8b-2f1e0d3c4b5a"), "export preset missing")
  local ok = e:run_export()
  e = nil; collectgarbage()
  report(job, "exported", ok)
  if job.stats and fx and not fx:isnil() then
    local valid, t = fx:to_insert():get_stats(0, 0, 0, 0)
    assert(valid, "Ardour has no timing for " .. job.plugin)
    report(job, "stats", string.format("%.3f %d %d %.3f", t[3], t[1], t[2], t[4]))
  end

  if job.listen then
    Session:request_locate(0, false, ARDOUR.LocateTransportDisposition.MustRoll, ARDOUR.TransportRequestSource.TRS_UI)
    os.execute("sleep " .. job.listen)
  end
  if fx and not fx:isnil() then
    local pi = fx:to_insert()
    for _, label in ipairs(job.read or {}) do
      local index = find_param(pi:plugin(0), label)
      assert(index, "no parameter labelled " .. label)
      report(job, "param:" .. label, ARDOUR.LuaAPI.get_plugin_insert_param(pi, index, true))
    end
  end
  if job.save then assert(Session:save_state("", false, false, false, false, false) == 0, "save failed") end
  close_session()
  return ok
end

local job = dofile(os.getenv("JOB_FILE"))
start_engine(job.rate or 48000)
local ok, result = pcall(run, job)
if not ok or not result then
  report(job, "failed", tostring(result))
  pcall(close_session)
  os.exit(1)
end
report(job, "done", true)
