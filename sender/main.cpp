// stslab-sender: the reference MTA-STS sender. All the work is in stslab_sender_lib.
#include <iostream>

#include "stslab/sender/cli.hpp"

int main(int argc, char** argv) {
  return stslab::sender::run_cli(argc, argv, std::cout, std::cerr);
}
