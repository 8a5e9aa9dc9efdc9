// The resolve report: JSON for programs, blocks for people.
#include <nlohmann/json.hpp>

#include "report/escape.hpp"
#include "tweetcheck/report_resolve.hpp"

namespace tweetcheck {

void write_resolutions(std::ostream& out, const std::vector<Resolution>& results, ResolveFormat format) {
  using Json = nlohmann::ordered_json;
  if (format == ResolveFormat::json) {
    Json all = Json::array();
    for (const Resolution& r : results) {
      Json chain = Json::array();
      for (const Hop& h : r.chain) chain.push_back(Json{{"url", h.url}, {"status", h.status}});
      all.push_back(Json{{"url", r.url},
                         {"final_url", r.final_url.empty() ? Json(nullptr) : Json(r.final_url)},
                         {"chain", chain},
                         {"status_id", r.status_id ? Json(*r.status_id) : Json(nullptr)},
                         {"handle", r.handle ? Json(*r.handle) : Json(nullptr)},
                         {"status", std::string(to_string(r.status))},
                         {"reason", r.reason},
                         {"from_cache", r.from_cache}});
    }
    out << Json{{"schema", "tweetcheck/resolve/1"}, {"results", all}}.dump(2, ' ', false,
                                                                           Json::error_handler_t::replace)
        << '\n';
    return;
  }
  const auto T = [](std::string_view s) { return detail::terminal_text(s); }; // no control characters
  for (const Resolution& r : results) {
    out << T(r.url) << "\n  " << to_string(r.status);
    if (!r.reason.empty()) out << " (" << T(r.reason) << ")";
    if (r.from_cache) out << " [cache]";
    out << '\n';
    for (const Hop& h : r.chain)
      out << "  " << (h.status ? std::to_string(h.status) : std::string("---")) << "  " << T(h.url) << '\n';
    if (!r.final_url.empty()) out << "  ->   " << T(r.final_url) << '\n';
    if (r.status_id)
      out << "  post: " << T(*r.status_id) << (r.handle ? " by @" + T(*r.handle) : std::string()) << '\n';
  }
}

} // namespace tweetcheck
