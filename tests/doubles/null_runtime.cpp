#include "tests/doubles/null_runtime.hpp"

#include "core/error.hpp"

namespace spawn::test {

bool null_runtime::ping() {
  return true;
}

caf::expected<bool> null_runtime::image_exists(const std::string&) {
  return true;
}

null_runtime::container_map::iterator null_runtime::find(const std::string& ref) {
  auto i = containers_.find(ref);
  if (i != containers_.end())
    return i;
  auto n = names_.find(ref);
  return n == names_.end() ? containers_.end() : containers_.find(n->second);
}

caf::expected<container_info> null_runtime::run(const container_spec& spec) {
  std::lock_guard<std::mutex> guard{mutex_};
  ++runs;
  if (!spec.name.empty() && names_.count(spec.name))
    return make_error(errc::conflict, "the container name " + spec.name + " is already in use");
  container_info c;
  c.id = "null" + std::to_string(++next_);
  c.name = spec.name.empty() ? c.id : spec.name;
  c.image = spec.image;
  c.state = "running";
  c.labels = spec.labels;
  c.host_port = 20000 + next_ % 40000;
  names_[c.name] = c.id;
  containers_[c.id] = c;
  return c;
}

caf::error null_runtime::remove(const std::string& ref) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = find(ref);
  if (i != containers_.end()) {
    names_.erase(i->second.name);
    containers_.erase(i);
  }
  return {};
}

caf::expected<container_info> null_runtime::inspect(const std::string& ref) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = find(ref);
  if (i == containers_.end())
    return make_error(errc::not_found, "no container " + ref);
  return i->second;
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
  auto i = find(ref);
  auto taken = names_.find(name);
  if (taken != names_.end() && (i == containers_.end() || taken->second != i->first))
    return make_error(errc::conflict, "the container name " + name + " is already in use");
  if (i == containers_.end())
    return make_error(errc::not_found, "no container " + ref);
  names_.erase(i->second.name);
  i->second.name = name;
  names_[name] = i->first;
  return {};
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
