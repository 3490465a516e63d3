libodoosaas_a_SOURCES += \
	core/error.c core/error.h
