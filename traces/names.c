#include "traces/names.h"
