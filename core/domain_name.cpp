#include "core/domain_name.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace spawn {

namespace {

caf::error refuse(const std::string& why) {
  return make_error(errc::invalid_input, "'domain' " + why);
}

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

} // namespace

caf::expected<std::string> normalize_domain(std::string_view text, std::string_view apps_domain) {
  std::string d;
  d.reserve(text.size());
  for (unsigned char c : text)
    d += static_cast<char>(std::tolower(c));
  if (!d.empty() && d.back() == '.')
    d.pop_back();
  if (d.empty())
    return refuse("is empty");
  if (d.size() > 253)
    return refuse("is longer than 253 characters");
  if (d.find(':') != std::string::npos || (d.front() == '[' && d.back() == ']'))
    return refuse("must be a host name, not an IP address or host:port");
  size_t labels = 0;
  std::string_view last;
  for (size_t start = 0; start <= d.size();) {
    auto dot = d.find('.', start);
    auto end = dot == std::string::npos ? d.size() : dot;
    std::string_view label{d.data() + start, end - start};
    if (label.empty())
      return refuse("has an empty label (two dots in a row, or a leading dot)");
    if (label.size() > 63)
      return refuse("has a label longer than 63 characters");
    if (!std::all_of(label.begin(), label.end(), is_label_char))
      return refuse("may hold only letters, digits, hyphens and dots");
    if (label.front() == '-' || label.back() == '-')
      return refuse("has a label that starts or ends with a hyphen");
    ++labels;
    last = label;
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  if (labels < 2)
    return refuse("must have at least two labels (like app.example.com)");
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return refuse("must be a host name, not an IP address");
  if (last == "localhost")
    return refuse("may not be a localhost name");
  std::string apps{apps_domain};
  std::transform(apps.begin(), apps.end(), apps.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!apps.empty()
      && (d == apps
          || (d.size() > apps.size() && d.compare(d.size() - apps.size(), apps.size(), apps) == 0
              && d[d.size() - apps.size() - 1] == '.')))
    return refuse("may not be the platform's apps domain " + apps + " or one of its hosts");
  return d;
}

std::vector<std::string> domains_of(const session_record& rec) {
  std::vector<std::string> out;
  auto meta = nlohmann::json::parse(rec.metadata, nullptr, false);
  if (meta.is_object() && meta.contains("domains") && meta["domains"].is_array())
    for (auto& d : meta["domains"])
      if (d.is_string())
        out.push_back(d.get<std::string>());
  return out;
}

dns_advice dns_advice_for(const std::string& domain, const std::string& session_id,
                          const std::string& apps_domain, const std::string& public_address) {
  if (!public_address.empty())
    return dns_advice{"A", domain, public_address};
  return dns_advice{"CNAME", domain, session_id + "." + apps_domain};
}

} // namespace spawn
