-- Writes a group's entry lists only if none changed since they were read: the ledger's one write.
-- KEYS: entry lists of one customer group (same hash tag, so one shard runs this atomically).
-- ARGV[1]: key lifetime in milliseconds.
-- ARGV[2i], ARGV[2i+1]: for KEYS[i], the version read (the list's first 8 bytes, '' when it was
-- missing) and the new value ('' deletes the key).
-- Returns 1 when written; otherwise the current value of every key ('' when missing), so the caller
-- checks again without another read.
for i = 1, #KEYS do
    if redis.call('GETRANGE', KEYS[i], 0, 7) ~= ARGV[2 * i] then
        local current = {}
        for j = 1, #KEYS do
            current[j] = redis.call('GET', KEYS[j]) or ''
        end
        return current
    end
end
for i = 1, #KEYS do
    local value = ARGV[2 * i + 1]
    if value == '' then
        redis.call('DEL', KEYS[i])
    else
        redis.call('SET', KEYS[i], value, 'PX', ARGV[1])
    end
end
return 1
