-- Numbers a campaign and its team for every node at once, and keeps the campaign's latest facts.
-- KEYS[1]: the directory hash. ARGV[1]: campaign id, ARGV[2]: its facts as JSON, ARGV[3]: its team.
-- Fields: 'c:<id>' -> number, 'c#<number>' -> facts, 't:<team>' -> number, 't#<number>' -> team,
-- 'next:c' and 'next:t' the last numbers given.
-- Returns { campaign number, team number }.
local campaign = redis.call('HGET', KEYS[1], 'c:' .. ARGV[1])
if not campaign then
    campaign = redis.call('HINCRBY', KEYS[1], 'next:c', 1)
    redis.call('HSET', KEYS[1], 'c:' .. ARGV[1], campaign)
end
redis.call('HSET', KEYS[1], 'c#' .. campaign, ARGV[2])
local team = redis.call('HGET', KEYS[1], 't:' .. ARGV[3])
if not team then
    team = redis.call('HINCRBY', KEYS[1], 'next:t', 1)
    redis.call('HSET', KEYS[1], 't:' .. ARGV[3], team, 't#' .. team, ARGV[3])
end
return { tonumber(campaign), tonumber(team) }
