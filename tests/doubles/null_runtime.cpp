#include "tests/doubles/null_runtime.hpp"

#include "core/error.hpp"

namespace spawn::test {

bool null_runtime::ping() {
  return true;
}

caf::expected<bool> null_runtime::image_exists(const std::string&) {
  return true;
}

caf::expected<container_info> null_runtime::run(const container_spec& spec) {
  std::lock_guard<std::mutex> guard{mutex_};
  ++runs;
  for (auto& [id, c] : containers_)
    if (!spec.name.empty() && c.name == spec.name)
      return make_error(errc::conflict, "the container name " + spec.name + " is already in use");
  container_info c;
  c.id = "null" + std::to_string(++next_);
  c.name = spec.name.empty() ? c.id : spec.name;
  c.image = spec.image;
  c.state = "running";
  c.labels = spec.labels;
  c.host_port = 20000 + next_ % 40000;
  containers_[c.id] = c;
  return c;
}

caf::error null_runtime::remove(const std::string& ref) {
  std::lock_guard<std::mutex> guard{mutex_};
  for (auto i = containers_.begin(); i != containers_.end(); ++i)
    if (i->first == ref || i->second.name == ref) {
      containers_.erase(i);
      break;
    }
  return {};
}

caf::expected<container_info> null_runtime::inspect(const std::string& ref) {
  std::lock_guard<std::mutex> guard{mutex_};
  for (auto& [id, c] : containers_)
    if (id == ref || c.name == ref)
      return c;
  return make_error(errc::not_found, "no container " + ref);
}

caf::expected<std::vector<container_info>> null_runtime::list_labelled(const std::string& key) {
  std::lock_guard<std::mutex> guard{mutex_};
  std::vector<container_info> out;
  for (auto& [id, c] : containers_)
    if (c.labels.count(key))
      out.push_back(c);
  return out;
}

caf::error null_runtime::rename(const std::string& ref, const std::string& name) {
  std::lock_guard<std::mutex> guard{mutex_};
  for (auto& [id, c] : containers_)
    if (c.name == name && id != ref)
      return make_error(errc::conflict, "the container name " + name + " is already in use");
  for (auto& [id, c] : containers_)
    if (id == ref || c.name == ref) {
      c.name = name;
      return {};
    }
  return make_error(errc::not_found, "no container " + ref);
}

caf::error null_runtime::pause(const std::string&) {
  return {};
}

caf::error null_runtime::unpause(const std::string&) {
  return {};
}

caf::error null_runtime::restart(const std::string&) {
  return {};
}

caf::expected<long> null_runtime::wait_ready(const std::string&, long) {
  return 0L;
}

size_t null_runtime::size() {
  std::lock_guard<std::mutex> guard{mutex_};
  return containers_.size();
}

} // namespace spawn::test
