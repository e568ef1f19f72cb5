#include "core/session_fsm.hpp"

#include <array>

namespace spawn {

namespace {

constexpr std::array<std::string_view, 9> phase_names{
  "requested", "provisioning", "generating", "deploying", "running",
  "sleeping",  "failed",       "destroying", "destroyed"};

constexpr std::array<std::string_view, 9> event_names{
  "start", "provisioned", "generated", "deployed", "idle",
  "wake",  "fail",        "destroy",   "destroyed"};

} // namespace

std::string_view to_string(phase p) {
  return phase_names[static_cast<size_t>(p)];
}

std::string_view to_string(session_event e) {
  return event_names[static_cast<size_t>(e)];
}

std::optional<phase> parse_phase(std::string_view name) {
  for (size_t i = 0; i < phase_names.size(); ++i)
    if (phase_names[i] == name)
      return static_cast<phase>(i);
  return std::nullopt;
}

std::optional<phase> transition(phase p, session_event e) {
  using ev = session_event;
  switch (e) {
    case ev::start:
      if (p == phase::requested)
        return phase::provisioning;
      break;
    case ev::provisioned:
      if (p == phase::provisioning)
        return phase::generating;
      break;
    case ev::generated:
      if (p == phase::generating)
        return phase::deploying;
      break;
    case ev::deployed:
      if (p == phase::deploying)
        return phase::running;
      break;
    case ev::idle:
      if (p == phase::running)
        return phase::sleeping;
      break;
    case ev::wake:
      if (p == phase::sleeping)
        return phase::running;
      break;
    case ev::fail:
      switch (p) {
        case phase::requested:
        case phase::provisioning:
        case phase::generating:
        case phase::deploying:
        case phase::running:
        case phase::sleeping:
          return phase::failed;
        default:
          break;
      }
      break;
    case ev::destroy:
      if (p == phase::destroyed)
        return phase::destroyed;
      return phase::destroying;
    case ev::destroyed:
      if (p == phase::destroying || p == phase::destroyed)
        return phase::destroyed;
      break;
  }
  return std::nullopt;
}

bool is_terminal(phase p) {
  return p == phase::destroyed;
}

bool is_live(phase p) {
  return p != phase::destroyed && p != phase::failed;
}

int progress_of(phase p) {
  switch (p) {
    case phase::requested: return 10;
    case phase::provisioning: return 30;
    case phase::generating: return 60;
    case phase::deploying: return 90;
    case phase::running:
    case phase::sleeping:
    case phase::destroying:
    case phase::destroyed: return 100;
    case phase::failed: return 0;
  }
  return 0;
}

} // namespace spawn
