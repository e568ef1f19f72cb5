#pragma once

// Internal to infra/config.cpp: the table of every configuration key.

#include <functional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "infra/config.hpp"

namespace spawn {

/// One configuration key: its dotted name, default, what it means, and how a
/// JSON value is checked and stored. The defaults, the JSON file's accepted
/// keys, the `SPAWN_*` overrides, the validation and `--help` all come from
/// this table.
struct key_spec {
  std::string name;
  nlohmann::json def;
  std::string help;
  std::string bounds; ///< for --help, e.g. "1..64"
  std::function<caf::error(const nlohmann::json&, spawn_config&)> bind;
};

/// Every key spawnd knows, in the order `--help` lists them.
const std::vector<key_spec>& config_table();

/// An invalid_input error naming `key`.
caf::error config_error(const std::string& key, const std::string& why);

} // namespace spawn
