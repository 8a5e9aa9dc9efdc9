// Benchmark baseline: Gumbo-parse every whole page named on the command line (or listed, one path
// per line, in the file given with --list). Prints the number of pages and bytes parsed.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <gumbo.h>

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--list" && i + 1 < argc) {
      std::ifstream list(argv[++i]);
      for (std::string line; std::getline(list, line);) {
        if (!line.empty()) paths.push_back(line);
      }
    } else {
      paths.push_back(a);
    }
  }
  std::size_t bytes = 0, nodes = 0;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes += content.size();
    GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, content.data(), content.size());
    nodes += out->root->v.element.children.length;
    gumbo_destroy_output(&kGumboDefaultOptions, out);
  }
  std::cout << paths.size() << " pages, " << bytes << " bytes parsed (" << nodes << ")\n";
  return 0;
}
