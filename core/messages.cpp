#include "core/messages.hpp"

#include <caf/actor_system_config.hpp>

namespace spawn {

const char* to_string(session_step s) {
  switch (s) {
    case session_step::provisioning: return "provisioning";
    case session_step::generation: return "generation";
    case session_step::deploying: return "deploying";
    case session_step::edge: return "edge";
    case session_step::destroying: return "destroying";
    case session_step::turn: return "turn";
  }
  return "?";
}

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<session_record>("spawn::session_record");
  cfg.add_message_type<std::vector<session_record>>("std::vector<spawn::session_record>");
  cfg.add_message_type<event_record>("spawn::event_record");
  cfg.add_message_type<std::vector<event_record>>("std::vector<spawn::event_record>");
  cfg.add_message_type<session_filter>("spawn::session_filter");
  cfg.add_message_type<node_record>("spawn::node_record");
  cfg.add_message_type<std::vector<node_record>>("std::vector<spawn::node_record>");
  cfg.add_message_type<container_info>("spawn::container_info");
  cfg.add_message_type<std::vector<container_info>>("std::vector<spawn::container_info>");
  cfg.add_message_type<container_lease>("spawn::container_lease");
  cfg.add_message_type<token_usage>("spawn::token_usage");
  cfg.add_message_type<app_file>("spawn::app_file");
  cfg.add_message_type<generated_app>("spawn::generated_app");
  cfg.add_message_type<generation_request>("spawn::generation_request");
  cfg.add_message_type<api_key_record>("spawn::api_key_record");
  cfg.add_message_type<std::vector<api_key_record>>("std::vector<spawn::api_key_record>");
  cfg.add_message_type<cost_item>("spawn::cost_item");
  cfg.add_message_type<std::vector<cost_item>>("std::vector<spawn::cost_item>");
  cfg.add_message_type<create_request>("spawn::create_request");
  cfg.add_message_type<created_session>("spawn::created_session");
  cfg.add_message_type<admin_session_list>("spawn::admin_session_list");
  cfg.add_message_type<health_report>("spawn::health_report");
  cfg.add_message_type<app_type>("spawn::app_type");
  cfg.add_message_type<phase>("spawn::phase");
  cfg.add_message_type<session_step>("spawn::session_step");
  cfg.add_message_type<session_owner>("spawn::session_owner");
  cfg.add_message_type<cluster_event>("spawn::cluster_event");
  cfg.add_message_type<std::vector<cluster_event>>("std::vector<spawn::cluster_event>");
  cfg.add_message_type<remote_route>("spawn::remote_route");
  cfg.add_message_type<std::vector<remote_route>>("std::vector<spawn::remote_route>");
  // Turns and versions (issue 15).
  cfg.add_message_type<turn_status>("spawn::turn_status");
  cfg.add_message_type<turn_record>("spawn::turn_record");
  cfg.add_message_type<std::vector<turn_record>>("std::vector<spawn::turn_record>");
  cfg.add_message_type<version_info>("spawn::version_info");
  cfg.add_message_type<std::vector<version_info>>("std::vector<spawn::version_info>");
  cfg.add_message_type<version_origin>("spawn::version_origin");
  cfg.add_message_type<session_thread>("spawn::session_thread");
  cfg.add_message_type<file_diff>("spawn::file_diff");
  cfg.add_message_type<version_diff>("spawn::version_diff");
}

} // namespace spawn
