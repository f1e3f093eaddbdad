-- wrk script: GET one page of the app v1 history (BENCH_PATH, e.g.
-- /api/v1/chat/chats/7/messages?page=1&page_size=50) with a staff JWT (BENCH_TOKEN).
dofile(os.getenv("BENCH_REPORT"))

local req
function init(args)
   req = wrk.format("GET", os.getenv("BENCH_PATH"),
                    { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") })
end
function request()
   return req
end
