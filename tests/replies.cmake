# Canned replies (variables, the library) and business hours (away messages, night desk), as
# domain tests; the staff API in tst_cannedrepliesapi.
lobby_test(tst_replies unit/tst_replies.cpp)
lobby_test(tst_hours unit/tst_hours.cpp)
lobby_test(tst_cannedrepliesapi api/tst_cannedrepliesapi.cpp)
