// `ember`: the command-line tool for operators of an ember installation.
//
//   ember info [--log]       what loaded and why not
//   ember ops [--device D]   operators and the devices that implement them
//   ember demo               a short demonstration
//   ember script FILE.py     the graphs (or code) of a script file
//   ember run FILE.py        runs a script file's main()
//   ember launch ...         start the ranks of a distributed job
//
// Parses arguments and hands over to the commands (commands.h). Never lets an exception escape:
// errors are printed to stderr with exit code 1; usage errors exit with 2.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "tools/ember/commands.h"

namespace ember {
namespace cli {

void print_usage(std::ostream& os) {
  os << "usage: ember <command> [options]\n"
        "\n"
        "commands:\n"
        "  info [--log]        version, configuration, plugins (loaded, or why not), devices, threads;\n"
        "                      --log also prints the process log\n"
        "  ops [--device D]    every operator and the devices that implement it (only D's with --device)\n"
        "  demo                a short demonstration on the available devices\n"
        "  script FILE.py [--fn NAME] [--code] [--optimized]\n"
        "                      compiles a TorchScript-dialect file and prints the graph of NAME (default:\n"
        "                      every function); --code prints code, --optimized runs the passes first\n"
        "  run FILE.py [--fn NAME]\n"
        "                      compiles the file and calls NAME (default main) with no arguments\n"
        "  launch --nproc N [--nnodes M --node-rank R] [--master-addr A] [--master-port P] [--grace S]\n"
        "         PROGRAM [ARGS...]\n"
        "                      start N ranks of a distributed job (docs/DISTRIBUTED.md): environment set,\n"
        "                      output prefixed with the rank; when a rank fails the others are stopped and\n"
        "                      ember exits with that rank's status\n"
        "  --help              this message\n"
        "\n"
        "environment:\n"
        "  EMBER_CONFIG=<file>         the configuration file (default: the built-in configuration)\n"
        "  EMBER_PLUGIN_PATH=<dirs>    colon-separated directories searched first for plugins\n";
}

}  // namespace cli
}  // namespace ember

namespace {

int usage_error(const std::string& message) {
  std::cerr << "ember: " << message << "\n\n";
  ember::cli::print_usage(std::cerr);
  return 2;
}

int run(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("no command given");
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    ember::cli::print_usage(std::cout);
    return 0;
  }
  if (command == "info") {
    bool show_log = false;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--log") show_log = true;
      else return usage_error("unknown option '" + args[i] + "' for info");
    }
    return ember::cli::run_info(show_log);
  }
  if (command == "ops") {
    std::string device;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--device" && i + 1 < args.size()) device = args[++i];
      else if (args[i].rfind("--device=", 0) == 0) device = args[i].substr(9);
      else return usage_error("unknown option '" + args[i] + "' for ops");
    }
    return ember::cli::run_ops(device);
  }
  if (command == "demo") {
    if (args.size() > 1) return usage_error("demo takes no options");
    return ember::cli::run_demo();
  }
  if (command == "script" || command == "run") {
    std::string file, fn;
    bool code = false, optimized = false;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--fn" && i + 1 < args.size()) fn = args[++i];
      else if (args[i].rfind("--fn=", 0) == 0) fn = args[i].substr(5);
      else if (command == "script" && args[i] == "--code") code = true;
      else if (command == "script" && args[i] == "--optimized") optimized = true;
      else if (args[i].rfind("--", 0) != 0 && file.empty()) file = args[i];
      else return usage_error("unknown option '" + args[i] + "' for " + command);
    }
    if (file.empty()) return usage_error(command + " needs a FILE.py");
    return command == "script" ? ember::cli::run_script(file, fn, code, optimized) : ember::cli::run_program(file, fn);
  }
  if (command == "demo-ddp-rank") return ember::cli::run_ddp_demo_rank();  // started by `ember demo`
  if (command == "launch") {
    try {
      return ember::cli::run_launch(std::vector<std::string>(args.begin() + 1, args.end()));
    } catch (const ember::ValueError& e) {
      return usage_error(e.what());
    }
  }
  return usage_error("unknown command '" + command + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "ember: error: " << e.what() << "\n";
    return 1;
  } catch (...) {
    std::cerr << "ember: error: unknown exception\n";
    return 1;
  }
}
