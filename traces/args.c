#include "traces/args.h"
