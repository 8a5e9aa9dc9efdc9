// Catch2's runner. No test cases here (Catch2: "In this file do not write any test cases!").
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
