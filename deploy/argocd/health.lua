-- Argo CD health check for migrator.bfd.cms.gov/MigratorDeployment.
-- Installed as resource.customizations.health.migrator.bfd.cms.gov_MigratorDeployment in argocd-cm
-- (deploy/argocd/argocd-cm-patch.yaml carries this file verbatim). It reads only what the operator writes
-- (DESIGN.md section 2): status.observedGeneration, the conditions Ready, Reconciling, Stalled and Deployable,
-- status.failureMode, status.plannedActions, status.history and spec.suspend.
--
-- Argo CD runs custom health scripts without Lua's string library, and a script that raises an error makes
-- the resource Unknown: so no string functions, and every value is checked for its type before it is used.
--
-- Order, first match wins:
--   1. no status, or status for an older generation (the CRD defaults observedGeneration to -1)
--                                                           -> Progressing (nothing in it describes this spec)
--   2. Stalled=True (only a person can move it on): with a planned action AwaitingApproval -> Suspended (see
--      below); otherwise (a runbook failure awaiting a fix, Observe mode, a switch or cap that blocks a repair,
--      IAM, an invalid spec, an unbound or claimed environment) -> Degraded
--   3. spec.suspend, or Ready=False with reason Suspended   -> Suspended
--   4. a planned action in state AwaitingApproval           -> Suspended
--   5. not yet deployable, and a repair the operator runs by itself (an action Ready, or one Pending
--      verification)                                         -> Progressing
--   6. Reconciling=True (a migration runs, AWS is retried)  -> Progressing
--   7. Ready=True and Deployable=True                       -> Healthy
--   8. failureMode other than None, or Deployable=False      -> Degraded    (a person must act)
--   9. anything else (conditions not written yet)           -> Progressing
--
-- An approval pending on a failed run is Suspended, not Degraded, and its message names the failure mode:
-- the operator has diagnosed the failure and holds a plan to repair it, and what the environment waits for
-- is a person's approval of that plan, which is what Suspended says in Argo CD (paused until someone
-- resumes it). Degraded is kept for what no plan covers. Flux, which has no Suspended, calls the same
-- object failed (deploy/flux/kustomization-healthcheck.yaml).

local function tableOrNil(value)
  if type(value) == "table" then
    return value
  end
  return nil
end

local function text(value)
  if type(value) == "string" and value ~= "" then
    return value
  end
  if type(value) == "number" then
    return tostring(value)
  end
  return nil
end

local function number(value)
  if type(value) == "number" then
    return value
  end
  if type(value) == "string" then
    return tonumber(value)
  end
  return nil
end

local function list(value)
  if type(value) == "table" then
    return value
  end
  return {}
end

local function condition(status, kind)
  for _, c in ipairs(list(status.conditions)) do
    if type(c) == "table" and c.type == kind then
      return c
    end
  end
  return nil
end

local function isStatus(c, value)
  return c ~= nil and c.status == value
end

-- "Reason: message" of a condition, or nil.
local function say(c)
  if c == nil then
    return nil
  end
  local reason = text(c.reason)
  local message = text(c.message)
  if reason ~= nil and message ~= nil then
    return reason .. ": " .. message
  end
  return message or reason
end

local function result(status, message)
  return { status = status, message = message or "" }
end

local function action(a)
  return (text(a.action) or "action") .. " " .. (text(a.target) or "(no target)")
end

local function health(obj)
  if type(obj) ~= "table" then
    return result("Progressing", "No object to assess.")
  end
  local metadata = tableOrNil(obj.metadata) or {}
  local spec = tableOrNil(obj.spec) or {}
  local status = tableOrNil(obj.status)
  local suspendWanted = spec.suspend == true
  if status == nil or (number(status.observedGeneration) or 0) < 0 then
    return result("Progressing", "No status yet: waiting for the migrator operator to observe this resource.")
  end

  local generation = number(metadata.generation)
  local ready = condition(status, "Ready")
  if generation ~= nil then
    local observed = number(status.observedGeneration)
    local readyObserved = ready ~= nil and number(ready.observedGeneration) or nil
    if observed ~= generation or (readyObserved ~= nil and readyObserved ~= generation) then
      local waiting = "Waiting for the operator to observe generation " .. tostring(generation)
      if observed ~= nil and observed >= 0 then
        waiting = waiting .. " (status describes generation " .. tostring(observed) .. ")"
      end
      if suspendWanted then
        waiting = waiting .. "; spec.suspend is true"
      end
      return result("Progressing", waiting .. ".")
    end
  end

  local failure = text(status.failureMode)
  local failing = failure ~= nil and failure ~= "None"
  local awaiting, runnable, held = nil, nil, nil
  for _, a in ipairs(list(status.plannedActions)) do
    if type(a) == "table" then
      if a.state == "AwaitingApproval" and awaiting == nil then
        awaiting = a
      elseif a.state == "Ready" and runnable == nil then
        runnable = a
      elseif (a.state == "Blocked" or a.state == "ObserveOnly") and held == nil then
        held = a
      end
    end
  end

  local runbook = tableOrNil(status.runbook)
  local section = runbook and text(runbook.section) or nil
  local stalled = condition(status, "Stalled")
  if isStatus(stalled, "True") and awaiting == nil then
    local message = say(stalled) or say(ready) or "Stalled: a person must act."
    if held ~= nil then
      message = message .. " " .. action(held) .. " is " .. (text(held.state) or "held") .. "."
    end
    if section ~= nil and section ~= "None" then
      message = message .. " Runbook: " .. section .. "."
    end
    return result("Degraded", message)
  end

  if suspendWanted or (ready ~= nil and ready.reason == "Suspended") then
    return result("Suspended", text(ready and ready.message) or "spec.suspend is true: the operator neither observes nor acts.")
  end

  if awaiting ~= nil then
    local message = (failing and failure or "Not deployable") .. ": " .. action(awaiting) .. " awaits approval of plan "
      .. (text(status.planFingerprint) or "(no fingerprint)")
    local why = text(awaiting.blockedBy)
    if why ~= nil then
      message = message .. " (" .. why .. ")"
    end
    local readyMessage = text(ready and ready.message)
    if readyMessage ~= nil then
      message = message .. ". " .. readyMessage
    end
    return result("Suspended", message)
  end

  local pending = nil
  for _, h in ipairs(list(status.history)) do
    if type(h) == "table" and h.outcome == "Pending" then
      pending = h
      break
    end
  end
  local deployable = condition(status, "Deployable")
  local healthy = isStatus(ready, "True") and isStatus(deployable, "True")
  if not healthy and (runnable ~= nil or pending ~= nil) then
    local message = (failing and failure or "Not deployable") .. ": the operator is repairing it: "
    if pending ~= nil then
      message = message .. action(pending) .. " sent, verifying"
      local approver = text(pending.approvedBy)
      if approver ~= nil then
        message = message .. " (approved by " .. approver .. ")"
      end
      local detail = text(pending.detail)
      if detail ~= nil then
        message = message .. ": " .. detail
      end
    else
      message = message .. action(runnable) .. " about to run"
    end
    return result("Progressing", message .. ".")
  end

  local reconciling = condition(status, "Reconciling")
  if isStatus(reconciling, "True") then
    if isStatus(ready, "False") then
      return result("Progressing", say(ready) or say(reconciling))
    end
    return result("Progressing", say(reconciling) or "Reconciling.")
  end

  if healthy then
    return result("Healthy", text(deployable.message) or text(ready.message) or "Deployable.")
  end

  if failing or isStatus(deployable, "False") then
    local message = (failing and (failure .. ": ") or "") .. (text(ready and ready.message) or say(deployable) or "not deployable")
    if held ~= nil then
      message = message .. " " .. action(held) .. " is " .. (text(held.state) or "held")
      local why = text(held.blockedBy)
      if why ~= nil then
        message = message .. ": " .. why
      end
      message = message .. "."
    end
    if section ~= nil and section ~= "None" then
      message = message .. " Runbook: " .. section .. "."
    end
    return result("Degraded", message)
  end

  return result("Progressing", say(ready) or "Waiting for the operator's conditions.")
end

return health(obj)
