#ifndef MMSIM_CLI_CLI_H
#define MMSIM_CLI_CLI_H

#define MMSIM_VERSION "0.1.0"

int cli_demo(int argc, char **argv);
int cli_conform(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_record(int argc, char **argv);

#endif
