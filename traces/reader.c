#include "traces/reader.h"
