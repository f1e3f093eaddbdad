# The front desk's workflow: statuses and snoozes, private notes and mentions, check-out.
lobby_test(tst_workflow unit/tst_workflow.cpp)
lobby_test(tst_workflowapi api/tst_workflowapi.cpp)
