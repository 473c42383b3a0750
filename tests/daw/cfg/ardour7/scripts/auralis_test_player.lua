ardour { ["type"] = "dsp", name = "Auralis Test Player", category = "Utility", license = "MIT", author = "Auralis tests",
  description = [[Plays the stereo samples the session script placed in shared memory, at the transport position]] }
-- shared memory (filled by session.lua): int[0] = frames n; floats from index 2: left channel (n), then right (n)
function dsp_ioconfig () return { { audio_in = 0, audio_out = 2 } } end
function dsp_init (rate)
  self:shmem():allocate(2)
  self:shmem():atomic_set_int(0, 0)
end
function dsp_run (ins, outs, n_samples)
  local shm = self:shmem()
  local len = shm:atomic_get_int(0)
  local left, right = outs[1]:array(), outs[2]:array()
  if len <= 0 or not Session:transport_rolling() then
    for i = 1, n_samples do left[i] = 0; right[i] = 0 end
    return
  end
  local src = shm:to_float(2):array()
  local pos = Session:transport_sample()
  for i = 1, n_samples do
    local k = pos + i -- 1-based index into the left channel
    if k >= 1 and k <= len then left[i] = src[k]; right[i] = src[len + k] else left[i] = 0; right[i] = 0 end
  end
end
