-- wrk script: POST /api/chats/messages/chat/ with the widget API key, rotating over the widget
-- sessions made by setup.js (file $BENCH_SESSIONS: "session_id visitor_id" per line) and over a
-- few visitor questions (FAQ answers, a greeting, one that is handed to staff).
-- Env: BENCH_SESSIONS, BENCH_API_KEY, BENCH_REPORT (report.lua).
dofile(os.getenv("BENCH_REPORT"))

local sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
   local s, v = line:match("^(%S+)%s+(%S+)$")
   if s then sessions[#sessions + 1] = { s, v } end
end
local questions = {
   "What time is breakfast served?",
   "Is there parking at the hotel?",
   "hello",
   "When is check-out?",
   "What is the Wi-Fi password?",
   "Could you send up two extra pillows to my room please?",
   "What are the spa opening hours?",
   "Can I order room service tonight?",
}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("offset", counter * 7)
end

local headers = { ["Content-Type"] = "application/json", ["X-API-Key"] = os.getenv("BENCH_API_KEY") }
local n = 0
function request()
   n = n + 1
   local s = sessions[((n + (offset or 0)) % #sessions) + 1]
   local q = questions[(n % #questions) + 1]
   local body = string.format('{"message":"%s","session_id":"%s","visitor_id":"%s"}', q, s[1], s[2])
   return wrk.format("POST", "/api/chats/messages/chat/", headers, body)
end
