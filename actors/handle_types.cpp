#include <caf/actor_system_config.hpp>

#include "actors/actors.hpp"

namespace spawn {

void register_actor_handle_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<event_sink_actor>("spawn::event_sink_actor");
  cfg.add_message_type<session_actor_type>("spawn::session_actor");
  cfg.add_message_type<session_manager_actor>("spawn::session_manager_actor");
}

} // namespace spawn
