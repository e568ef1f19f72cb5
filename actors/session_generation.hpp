#pragma once

#include <functional>
#include <string>


#include "actors/session.hpp"
#include "infra/generator.hpp"

namespace spawn {

/// What a session lends its generation part: its log, its failure path and
/// its pipeline. Kept as callbacks so this part does not depend on how the
/// session's own steps are organised.
struct generation_hooks {
  std::function<void(std::string level, std::string message)> emit;
  /// Fails the session at once (no retry): a spent budget.
  std::function<void(std::string reason)> fail;
  /// The attempt failed: the session retries with backoff or fails.
  std::function<void(const caf::error&)> failed;
  /// The app is there (from the worker or the cache).
  std::function<void(generated_app)> done;
  /// Spawns the session's children if they are not running.
  std::function<void()> ensure_children;
};

/// Starts a generation attempt (issue 5): stops at once when the session's
/// or the owner's token budget is spent, reuses a stored artifact of an
/// identical request made within `generation.cache_ttl_seconds` (the prompt
/// cache, no model call), otherwise asks the generation worker with what is
/// left of the budget and `generation.timeout_ms`. A `budget_exceeded`
/// answer fails the session without retrying.
void start_generation(session_pointer self, generation_hooks hooks);

/// Same for request `req` (a follow-up turn, issue 15: its instruction and
/// the current files; such a request is never answered from the prompt cache).
void start_generation(session_pointer self, generation_hooks hooks, generation_request req);

/// A step reported by the worker becomes an event: token counts at most once
/// per `generation.progress_interval_ms`, at most 200 progress events.
void on_generation_progress(session_pointer self, const std::string& step,
                            const generation_hooks& hooks);

/// A model call's tokens and cost: added to the record, announced as an event.
void on_generation_usage(session_pointer self, const token_usage& u,
                         const generation_hooks& hooks);

/// The prompt cache key `app` is to be filed under ("" : not cacheable: the
/// template generator, an app that came from the cache, the cache off).
std::string generation_cache_key(session_pointer self,
                                 const generated_app& app);

/// The request a session makes of its generator: prompt, type, site details.
generation_request generation_request_of(const session_record& rec);

/// Uploaded code (issue 18): what the builder needs of the session's stored
/// upload (JSON object text: archive, session), or "" for a prompt session.
std::string upload_source_of(const session_record& rec);

namespace session_steps {

/// The hooks of the session's own steps (defined in session_pipeline.cpp).
generation_hooks generation_hooks_of(session_pointer self);

} // namespace session_steps

} // namespace spawn
